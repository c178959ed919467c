import type { RuleWithOperations, Webhook } from './config';
import { ruleMatches, selectorMatches, webhookApplies } from './match';
import type { AdmissionAttributes } from './types';

const attrs = (over: Partial<AdmissionAttributes> = {}): AdmissionAttributes => ({
  operation: 'CREATE',
  kind: { group: 'kubeflash.io', version: 'v1alpha1', kind: 'Device' },
  resource: { group: 'kubeflash.io', version: 'v1alpha1', resource: 'devices' },
  name: 'd1',
  namespace: 'fleet',
  object: { metadata: { name: 'd1', labels: { tier: 'edge' } } },
  dryRun: false,
  userInfo: { username: 'admin', groups: [] },
  ...over,
});

const rule = (over: Partial<RuleWithOperations> = {}): RuleWithOperations => ({
  operations: ['CREATE'],
  apiGroups: ['kubeflash.io'],
  apiVersions: ['v1alpha1'],
  resources: ['devices'],
  ...over,
});

type RuleCase = [sentence: string, rule: RuleWithOperations, attrs: AdmissionAttributes, matches: boolean];

const ruleCases: RuleCase[] = [
  ['an exact rule matches', rule(), attrs(), true],
  ['another operation does not match', rule(), attrs({ operation: 'UPDATE' }), false],
  ['operation * matches any', rule({ operations: ['*'] }), attrs({ operation: 'DELETE' }), true],
  ['another group does not match', rule({ apiGroups: ['apps'] }), attrs(), false],
  ['group * matches any', rule({ apiGroups: ['*'], apiVersions: ['*'] }), attrs(), true],
  ['resource * matches resources', rule({ resources: ['*'] }), attrs(), true],
  ['resource * does not match subresources', rule({ resources: ['*'] }), attrs({ subResource: 'status' }), false],
  ['resource */* matches subresources', rule({ resources: ['*/*'] }), attrs({ subResource: 'status' }), true],
  ['devices/status matches the status subresource', rule({ resources: ['devices/status'] }), attrs({ subResource: 'status' }), true],
  ['devices does not match the status subresource', rule(), attrs({ subResource: 'status' }), false],
  ['devices/* matches every subresource of devices', rule({ resources: ['devices/*'] }), attrs({ subResource: 'scale' }), true],
  ['devices/* does not match devices itself', rule({ resources: ['devices/*'] }), attrs(), false],
  ['*/scale matches scale of any resource', rule({ resources: ['*/scale'] }), attrs({ subResource: 'scale' }), true],
  ['scope Cluster does not match namespaced requests', rule({ scope: 'Cluster' }), attrs(), false],
  ['scope Namespaced matches namespaced requests', rule({ scope: 'Namespaced' }), attrs(), true],
  ['scope Namespaced does not match cluster requests', rule({ scope: 'Namespaced' }), attrs({ namespace: undefined }), false],
  [
    'namespaces are cluster scoped',
    rule({ apiGroups: [''], apiVersions: ['v1'], resources: ['namespaces'], scope: 'Cluster' }),
    attrs({ resource: { group: '', version: 'v1', resource: 'namespaces' }, namespace: 'fleet' }),
    true,
  ],
];

describe('ruleMatches', () => {
  test.each(ruleCases)('%s', (_sentence, r, a, matches) => {
    expect(ruleMatches(r, a)).toBe(matches);
  });
});

type SelectorCase = [sentence: string, selector: Parameters<typeof selectorMatches>[0], labels: Record<string, string>, matches: boolean];

const selectorCases: SelectorCase[] = [
  ['an empty selector matches everything', {}, {}, true],
  ['matchLabels needs every label', { matchLabels: { a: '1', b: '2' } }, { a: '1' }, false],
  ['In matches a listed value', { matchExpressions: [{ key: 'env', operator: 'In', values: ['dev', 'prod'] }] }, { env: 'dev' }, true],
  ['In needs the key', { matchExpressions: [{ key: 'env', operator: 'In', values: ['dev'] }] }, {}, false],
  ['NotIn matches an absent key', { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }] }, {}, true],
  ['NotIn rejects a listed value', { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }] }, { env: 'dev' }, false],
  ['Exists needs the key', { matchExpressions: [{ key: 'env', operator: 'Exists' }] }, { env: '' }, true],
  ['DoesNotExist rejects the key', { matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }, { env: 'x' }, false],
];

describe('selectorMatches', () => {
  test.each(selectorCases)('%s', (_sentence, selector, labels, matches) => {
    expect(selectorMatches(selector, labels)).toBe(matches);
  });
});

describe('webhookApplies', () => {
  const hook = (over: Partial<Webhook> = {}): Webhook => ({
    name: 'h.example.com',
    configurationName: 'c',
    clientConfig: { url: 'https://127.0.0.1/' },
    rules: [rule()],
    failurePolicy: 'Fail',
    sideEffects: 'None',
    timeoutSeconds: 10,
    namespaceSelector: {},
    objectSelector: {},
    matchConditions: [],
    reinvocationPolicy: 'Never',
    ...over,
  });
  const labels = (ns: string) => (ns === 'fleet' ? { team: 'iot' } : undefined);

  test('namespaceSelector uses the labels of the request namespace', () => {
    expect(webhookApplies(hook({ namespaceSelector: { matchLabels: { team: 'iot' } } }), attrs(), labels)).toBe(true);
    expect(webhookApplies(hook({ namespaceSelector: { matchLabels: { team: 'web' } } }), attrs(), labels)).toBe(false);
  });

  test('namespaceSelector does not filter cluster-scoped requests', () => {
    expect(webhookApplies(hook({ namespaceSelector: { matchLabels: { team: 'web' } } }), attrs({ namespace: undefined }), labels)).toBe(true);
  });

  test('objectSelector matches either the new or the old object', () => {
    const h = hook({ objectSelector: { matchLabels: { tier: 'core' } }, rules: [rule({ operations: ['UPDATE'] })] });
    const update = attrs({ operation: 'UPDATE', oldObject: { metadata: { labels: { tier: 'core' } } } });
    expect(webhookApplies(h, update, labels)).toBe(true);
    expect(webhookApplies(h, attrs({ operation: 'UPDATE' }), labels)).toBe(false);
  });

  test('webhook configurations themselves are never sent to webhooks', () => {
    const h = hook({ rules: [rule({ apiGroups: ['*'], apiVersions: ['*'], resources: ['*'], operations: ['*'] })] });
    const a = attrs({ resource: { group: 'admissionregistration.k8s.io', version: 'v1', resource: 'validatingwebhookconfigurations' }, namespace: undefined });
    expect(webhookApplies(h, a, labels)).toBe(false);
  });
});
