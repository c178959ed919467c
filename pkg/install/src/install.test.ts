import { load } from 'js-yaml';
import { InvalidValuesError, installObjects, manifestsYaml, resolveValues, type PlainObject } from './index';
import { format, isSet, mergeMap, v, when } from './template/expr';
import { TemplateError, helmDocument } from './template/helm';
import { evaluateDocuments } from './template/plain';

const find = (objects: PlainObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && (o.metadata as { name: string }).name === name);

describe('install values', () => {
  it.each([
    [{ operator: { logLevel: 'verbose' } }, 'operator.logLevel: must be one of "debug", "info", "warn", "error", got "verbose"'],
    [{ webhooks: { enabled: 'yes' } }, 'webhooks.enabled: must be boolean, got "yes"'],
    [{ monitoring: { grafana: {} } }, 'monitoring.grafana: not a value of this chart'],
    [{ operator: { watchNamespaces: ['a', 'a'] } }, 'operator.watchNamespaces: items must be unique, "a" is there twice'],
  ])('refuse %j naming the field', (values, message) => {
    expect(() => resolveValues(values)).toThrow(InvalidValuesError);
    expect(() => resolveValues(values)).toThrow(message);
  });
});

describe('install objects', () => {
  const objects = installObjects({ namespace: 'kf' });

  it('run the operator non-root, read-only, without privilege escalation, with probes, resources and the token only where needed', () => {
    const deployment = find(objects, 'Deployment', 'kubeflash-operator') as { spec: { replicas: number; template: { spec: Record<string, unknown> & { containers: Record<string, unknown>[] } } } };
    const pod = deployment.spec.template.spec;
    expect(deployment.spec.replicas).toBe(2);
    expect(pod).toMatchObject({ automountServiceAccountToken: true, securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } } });
    expect(pod.containers[0]).toMatchObject({
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      livenessProbe: { httpGet: { path: '/healthz' } },
      readinessProbe: { httpGet: { path: '/readyz' } },
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
    });
    expect(find(objects, 'ServiceAccount', 'kubeflash-operator')).toMatchObject({ automountServiceAccountToken: false });
    expect(JSON.stringify(pod.affinity)).toContain('podAntiAffinity');
  });

  it('never register the webhooks for kube-system, and fail closed', () => {
    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
      const configuration = find(objects, kind, 'kubeflash') as { webhooks: Record<string, unknown>[] };
      expect(configuration.webhooks[0]).toMatchObject({
        failurePolicy: 'Fail',
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
        clientConfig: { service: { name: 'kubeflash-operator', namespace: 'kf', port: 443 } },
        namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] }] },
      });
    }
  });

  it('give the operator no cluster-wide access to Secrets or kubeflash objects when it watches a list of namespaces', () => {
    const scoped = installObjects({ namespace: 'kf', values: { operator: { watchNamespaces: ['garage'] } } });
    const clusterRules = scoped.filter((o) => o.kind === 'ClusterRole' && String((o.metadata as { name: string }).name).startsWith('kubeflash-operator')).flatMap((o) => o.rules as { resources: string[]; resourceNames?: string[] }[]);
    expect(clusterRules.flatMap((r) => r.resources).sort()).toEqual(['mutatingwebhookconfigurations', 'validatingwebhookconfigurations']);
    expect(clusterRules.every((r) => r.resourceNames?.length === 1)).toBe(true);
    expect(find(scoped, 'Role', 'kubeflash-operator')).toMatchObject({ metadata: { namespace: 'garage' } });
  });

  it('hold no empty map or list, which server-side apply would count as a change on every apply', () => {
    const empty: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (Array.isArray(node)) {
        if (node.length === 0) empty.push(path);
        node.forEach((n, i) => walk(n, `${path}[${i}]`));
      } else if (node && typeof node === 'object') {
        if (Object.keys(node).length === 0) empty.push(path);
        for (const [k, n] of Object.entries(node)) walk(n, `${path}.${k}`);
      }
    };
    for (const o of objects) walk(o, `${String(o.kind)} ${(o.metadata as { name: string }).name}`);
    expect(empty).toEqual([]);
    const set = installObjects({ namespace: 'kf', values: { operator: { podAnnotations: { a: 'b' }, nodeSelector: { n: 'x' } }, imagePullSecrets: [{ name: 'pull' }] } });
    expect(find(set, 'Deployment', 'kubeflash-operator')).toMatchObject({
      spec: { template: { metadata: { annotations: { a: 'b' } }, spec: { nodeSelector: { n: 'x' }, imagePullSecrets: [{ name: 'pull' }] } } },
    });
  });

  it('print as YAML that reads back to the same objects', () => {
    const yaml = manifestsYaml(objects, 'header line');
    expect(yaml.startsWith('# header line\n---\n')).toBe(true);
    const back = yaml.split(/^---$/m).slice(1).map((d) => load(d));
    expect(back).toEqual(objects);
  });
});

describe('the template writer', () => {
  const kindOf = (path: string) => (path.endsWith('Labels') ? 'object' : path.endsWith('count') ? 'integer' : 'string');

  it('escapes literal {{ so Helm prints it, and quotes strings from values', () => {
    const text = helmDocument({ object: { kind: 'ConfigMap', data: { legend: '{{controller}}', name: v('a.name'), count: v('a.count') } } }, kindOf);
    expect(text).toContain('legend: "{{ "{{" }}controller}}"');
    expect(text).toContain('name: {{ $.Values.a.name | quote }}');
    expect(text).toContain('count: {{ $.Values.a.count }}');
  });

  it('refuses what would render differently in Helm and in plain YAML', () => {
    expect(() => helmDocument({ object: { metadata: { annotations: { a: when(isSet('x'), 'y') } } } }, kindOf)).toThrow(TemplateError);
    expect(() => helmDocument({ object: { labels: mergeMap({}, 'a.extraLabels') } }, kindOf)).toThrow('a merged map needs literal entries');
    expect(() => helmDocument({ object: { a: format`${v('a.extraLabels')}` } }, kindOf)).not.toThrow();
    expect(() => helmDocument({ object: { a: v('bad-key.x') } }, kindOf)).toThrow('cannot be used in a Go template field chain');
  });

  it('evaluates conditions with Go template truthiness', () => {
    const docs = [{ object: { kind: 'A', v: when(isSet('list'), 'yes', 'no'), n: when(isSet('zero'), 'set') } }];
    expect(evaluateDocuments(docs, { values: { list: [], zero: 0 }, namespace: 'x' })).toEqual([{ kind: 'A', v: 'no' }]);
    expect(evaluateDocuments(docs, { values: { list: ['a'], zero: 1 }, namespace: 'x' })).toEqual([{ kind: 'A', v: 'yes', n: 'set' }]);
  });
});
