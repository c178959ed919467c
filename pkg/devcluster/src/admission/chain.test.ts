import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { StatusError } from '../errors';
import { createAdmissionChain, type AdmissionAttributes, type AdmissionSource } from './index';

interface Pki {
  caBundle: string;
  otherCaBundle: string;
  key: string;
  cert: string;
}

async function makePki(): Promise<Pki> {
  const caExtensions = [
    { name: 'basicConstraints' as const, cA: true },
    { name: 'keyUsage' as const, keyCertSign: true, cRLSign: true, digitalSignature: true },
  ];
  const ca = await generate([{ name: 'commonName', value: 'devcluster-test-ca' }], { keyType: 'ec', algorithm: 'sha256', extensions: caExtensions });
  const other = await generate([{ name: 'commonName', value: 'other-ca' }], { keyType: 'ec', algorithm: 'sha256', extensions: caExtensions });
  const server = await generate([{ name: 'commonName', value: 'webhook' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'hooks.webhooks.svc' }] },
    ],
  });
  const b64 = (pem: string) => Buffer.from(pem).toString('base64');
  return { caBundle: b64(ca.cert), otherCaBundle: b64(other.cert), key: server.private, cert: server.cert };
}

interface Seen {
  path: string;
  review: { request: Record<string, unknown> };
}

type Handler = (request: Record<string, unknown>) => Record<string, unknown> | Promise<Record<string, unknown>>;

const patchOf = (ops: unknown[]) => Buffer.from(JSON.stringify(ops)).toString('base64');

/** Webhook behaviours by URL path; each returns the `response` of the AdmissionReview. */
const handlers: Record<string, Handler> = {
  '/add-label': (req) => ({
    uid: req.uid,
    allowed: true,
    patchType: 'JSONPatch',
    patch: patchOf([{ op: 'add', path: '/metadata/labels/mutated', value: 'yes' }]),
    warnings: ['label added'],
  }),
  '/append-suffix': (req) => {
    const obj = req.object as { spec: { chain: string } };
    return { uid: req.uid, allowed: true, patchType: 'JSONPatch', patch: patchOf([{ op: 'replace', path: '/spec/chain', value: `${obj.spec.chain}b` }]) };
  },
  '/append-a': (req) => {
    const obj = req.object as { spec: { chain: string } };
    const done = obj.spec.chain.endsWith('a');
    return { uid: req.uid, allowed: true, ...(done ? {} : { patchType: 'JSONPatch', patch: patchOf([{ op: 'replace', path: '/spec/chain', value: `${obj.spec.chain}a` }]) }) };
  },
  '/allow': (req) => ({ uid: req.uid, allowed: true }),
  '/deny': (req) => ({ uid: req.uid, allowed: false, status: { code: 403, reason: 'Forbidden', message: 'devices in fleet are frozen' } }),
  '/deny-bare': (req) => ({ uid: req.uid, allowed: false }),
  '/wrong-uid': () => ({ uid: 'not-the-uid', allowed: true }),
  '/slow': async (req) => {
    await new Promise((r) => setTimeout(r, 1500));
    return { uid: req.uid, allowed: true };
  },
};

let pki: Pki;
let server: Server;
let base: string;
const seen: Seen[] = [];

beforeAll(async () => {
  pki = await makePki();
  server = createServer({ key: pki.key, cert: pki.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'https://localhost');
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Seen['review'];
      seen.push({ path: `${url.pathname}${url.search}`, review });
      const handler = handlers[url.pathname];
      void Promise.resolve(handler ? handler(review.request) : { uid: review.request.uid, allowed: true }).then((response) => {
        if (res.destroyed) return;
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60000);

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen.length = 0;
});

function webhook(name: string, path: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    clientConfig: { url: `${base}${path}`, caBundle: pki.caBundle },
    rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: ['kubeflash.io'], apiVersions: ['v1alpha1'], resources: ['devices'] }],
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    ...over,
  };
}

function source(mutating: Record<string, unknown>[][], validating: Record<string, unknown>[][] = []): AdmissionSource {
  const configs = (lists: Record<string, unknown>[][], kind: string) =>
    lists.map((webhooks, i) => ({ apiVersion: 'admissionregistration.k8s.io/v1', kind, metadata: { name: `cfg-${i}` }, webhooks }));
  return {
    mutatingWebhookConfigurations: () => configs(mutating, 'MutatingWebhookConfiguration'),
    validatingWebhookConfigurations: () => configs(validating, 'ValidatingWebhookConfiguration'),
    namespaceLabels: () => ({}),
  };
}

const attrs = (over: Partial<AdmissionAttributes> = {}): AdmissionAttributes => ({
  operation: 'CREATE',
  kind: { group: 'kubeflash.io', version: 'v1alpha1', kind: 'Device' },
  resource: { group: 'kubeflash.io', version: 'v1alpha1', resource: 'devices' },
  name: 'd1',
  namespace: 'fleet',
  object: { apiVersion: 'kubeflash.io/v1alpha1', kind: 'Device', metadata: { name: 'd1', labels: {} }, spec: { chain: '' } },
  dryRun: false,
  userInfo: { username: 'admin', groups: ['system:masters'] },
  ...over,
});

async function rejection(p: Promise<unknown>): Promise<StatusError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('expected the request to be rejected');
}

describe('mutating webhooks', () => {
  test('a JSONPatch response is applied and warnings are collected', async () => {
    const a = attrs({ warnings: [] });
    const out = await createAdmissionChain(source([[webhook('label.kubeflash.io', '/add-label')]])).mutate(a);
    expect((out?.metadata as { labels: Record<string, string> }).labels).toEqual({ mutated: 'yes' });
    expect(a.warnings).toEqual(['label added']);
    expect(a.object).toMatchObject({ metadata: { labels: {} } });
  });

  test('the AdmissionReview request carries the attributes and the timeout query', async () => {
    await createAdmissionChain(source([[webhook('label.kubeflash.io', '/add-label', { timeoutSeconds: 7 })]])).mutate(attrs());
    expect(seen).toHaveLength(1);
    expect(seen[0].path).toBe('/add-label?timeout=7s');
    expect(seen[0].review.request).toMatchObject({
      operation: 'CREATE',
      name: 'd1',
      namespace: 'fleet',
      kind: { group: 'kubeflash.io', version: 'v1alpha1', kind: 'Device' },
      resource: { group: 'kubeflash.io', version: 'v1alpha1', resource: 'devices' },
      userInfo: { username: 'admin' },
      dryRun: false,
      oldObject: null,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
    });
    expect(seen[0].review.request.uid).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('webhooks whose rules do not match are not called', async () => {
    const hook = webhook('label.kubeflash.io', '/add-label', { rules: [{ operations: ['DELETE'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }] });
    const out = await createAdmissionChain(source([[hook]])).mutate(attrs());
    expect(seen).toHaveLength(0);
    expect(out).toBeUndefined(); // nothing changed: the caller keeps its object
  });

  test('an IfNeeded webhook is reinvoked after a later webhook changed the object', async () => {
    const chain = createAdmissionChain(source([[webhook('a.kubeflash.io', '/append-a', { reinvocationPolicy: 'IfNeeded' })], [webhook('b.kubeflash.io', '/append-suffix')]]));
    const out = await chain.mutate(attrs());
    expect((out?.spec as { chain: string }).chain).toBe('aba');
    expect(seen.map((s) => s.path.split('?')[0])).toEqual(['/append-a', '/append-suffix', '/append-a']);
  });

  test('a service reference is resolved and its certificate checked for <name>.<namespace>.svc', async () => {
    const hook = webhook('svc.kubeflash.io', '', { clientConfig: { service: { namespace: 'webhooks', name: 'hooks', path: '/add-label', port: 8443 }, caBundle: pki.caBundle } });
    const calls: unknown[][] = [];
    const chain = createAdmissionChain(source([[hook]]), { resolveService: (...args) => (calls.push(args), base) });
    const out = await chain.mutate(attrs());
    expect(calls).toEqual([['webhooks', 'hooks', 8443]]);
    expect((out?.metadata as { labels: Record<string, string> }).labels.mutated).toBe('yes');
  });

  test('a service reference without a resolver fails like an unknown service', async () => {
    const hook = webhook('svc.kubeflash.io', '', { clientConfig: { service: { namespace: 'webhooks', name: 'hooks', path: '/x' }, caBundle: pki.caBundle } });
    const err = await rejection(createAdmissionChain(source([[hook]])).mutate(attrs()));
    expect(err.code).toBe(500);
    expect(err.message).toBe(
      'Internal error occurred: failed calling webhook "svc.kubeflash.io": failed to call webhook: Post "https://hooks.webhooks.svc:443/x?timeout=10s": service "hooks" not found',
    );
  });
});

describe('validating webhooks', () => {
  test('allowing webhooks let the request through', async () => {
    await expect(createAdmissionChain(source([], [[webhook('ok.kubeflash.io', '/allow')]])).validate(attrs())).resolves.toBeUndefined();
    expect(seen).toHaveLength(1);
  });

  test('a denial carries the webhook status code, reason and message', async () => {
    const err = await rejection(createAdmissionChain(source([], [[webhook('freeze.kubeflash.io', '/deny')]])).validate(attrs()));
    expect(err.code).toBe(403);
    expect(err.reason).toBe('Forbidden');
    expect(err.message).toBe('admission webhook "freeze.kubeflash.io" denied the request: devices in fleet are frozen');
  });

  test('a denial without status is a 400 without explanation', async () => {
    const err = await rejection(createAdmissionChain(source([], [[webhook('bare.kubeflash.io', '/deny-bare')]])).validate(attrs()));
    expect(err.code).toBe(400);
    expect(err.message).toBe('admission webhook "bare.kubeflash.io" denied the request without explanation');
  });

  test('failurePolicy Ignore skips a dead endpoint', async () => {
    const dead = webhook('dead.kubeflash.io', '', { clientConfig: { url: 'https://127.0.0.1:1/validate', caBundle: pki.caBundle }, failurePolicy: 'Ignore' });
    await expect(createAdmissionChain(source([], [[dead]])).validate(attrs())).resolves.toBeUndefined();
  });

  test('failurePolicy Fail turns a dead endpoint into an internal error', async () => {
    const dead = webhook('dead.kubeflash.io', '', { clientConfig: { url: 'https://127.0.0.1:1/validate', caBundle: pki.caBundle } });
    const err = await rejection(createAdmissionChain(source([], [[dead]])).validate(attrs()));
    expect(err.code).toBe(500);
    expect(err.reason).toBe('InternalError');
    expect(err.message).toBe(
      'Internal error occurred: failed calling webhook "dead.kubeflash.io": failed to call webhook: Post "https://127.0.0.1:1/validate?timeout=10s": dial tcp 127.0.0.1:1: connect: connection refused',
    );
  });

  test('a webhook slower than timeoutSeconds fails with context deadline exceeded', async () => {
    const slow = webhook('slow.kubeflash.io', '/slow', { timeoutSeconds: 1 });
    const err = await rejection(createAdmissionChain(source([], [[slow]])).validate(attrs()));
    expect(err.code).toBe(500);
    expect(err.message).toBe(`Internal error occurred: failed calling webhook "slow.kubeflash.io": failed to call webhook: Post "${base}/slow?timeout=1s": context deadline exceeded`);
  });

  test('a certificate from another CA is rejected', async () => {
    const hook = webhook('tls.kubeflash.io', '/allow', { clientConfig: { url: `${base}/allow`, caBundle: pki.otherCaBundle } });
    const err = await rejection(createAdmissionChain(source([], [[hook]])).validate(attrs()));
    expect(err.code).toBe(500);
    expect(err.message).toContain('tls: failed to verify certificate: x509: certificate signed by unknown authority');
  });

  test('a response with the wrong uid is an invalid response', async () => {
    const err = await rejection(createAdmissionChain(source([], [[webhook('uid.kubeflash.io', '/wrong-uid')]])).validate(attrs()));
    expect(err.message).toMatch(/^Internal error occurred: failed calling webhook "uid.kubeflash.io": received invalid webhook response: expected response.uid="[0-9a-f-]+", got "not-the-uid"$/);
  });

  test('dry-run requests are refused by webhooks with side effects', async () => {
    const hook = webhook('fx.kubeflash.io', '/allow', { sideEffects: 'Some' });
    const err = await rejection(createAdmissionChain(source([], [[hook]])).validate(attrs({ dryRun: true })));
    expect(err.code).toBe(400);
    expect(err.message).toBe('admission webhook "fx.kubeflash.io" does not support dry run');
    expect(seen).toHaveLength(0);
  });

  test('matchConditions that are false skip the webhook', async () => {
    const hook = webhook('cond.kubeflash.io', '/deny', { matchConditions: [{ name: 'not-admin', expression: "request.userInfo.username != 'admin'" }] });
    await expect(createAdmissionChain(source([], [[hook]])).validate(attrs())).resolves.toBeUndefined();
    expect(seen).toHaveLength(0);
  });

  test('the first failing webhook in configuration order decides the error', async () => {
    const chain = createAdmissionChain(source([], [[webhook('b.kubeflash.io', '/deny-bare')], [webhook('a.kubeflash.io', '/deny')]]));
    const err = await rejection(chain.validate(attrs()));
    expect(err.message).toContain('"b.kubeflash.io"');
  });
});

describe('matchConditions', () => {
  test('an evaluation error fails closed with 403', async () => {
    const hook = webhook('cond.kubeflash.io', '/allow', { matchConditions: [{ name: 'bad', expression: 'object.nope == 1' }] });
    const err = await rejection(createAdmissionChain(source([], [[hook]])).validate(attrs()));
    expect(err.code).toBe(403);
    expect(err.message).toMatch(/^devices\.kubeflash\.io "d1" is forbidden: failed to evaluate match condition "bad": /);
    expect(seen).toHaveLength(0);
  });

  test('an evaluation error skips the webhook under failurePolicy Ignore', async () => {
    const hook = webhook('cond.kubeflash.io', '/deny', { failurePolicy: 'Ignore', matchConditions: [{ name: 'bad', expression: 'object.nope == 1' }] });
    await expect(createAdmissionChain(source([], [[hook]])).validate(attrs())).resolves.toBeUndefined();
  });

  test('true conditions call the webhook', async () => {
    const hook = webhook('cond.kubeflash.io', '/deny', { matchConditions: [{ name: 'create', expression: "request.operation == 'CREATE' && object.kind == 'Device'" }] });
    const err = await rejection(createAdmissionChain(source([], [[hook]])).validate(attrs()));
    expect(err.code).toBe(403);
    expect(seen).toHaveLength(1);
  });
});

describe('mutating webhooks and objectless requests', () => {
  test('a patch for a DELETE is an internal error', async () => {
    const hook = webhook('label.kubeflash.io', '/add-label', { rules: [{ operations: ['DELETE'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }] });
    const err = await rejection(createAdmissionChain(source([[hook]])).mutate(attrs({ operation: 'DELETE', object: undefined, oldObject: attrs().object })));
    expect(err.code).toBe(500);
    expect(err.message).toBe('Internal error occurred: admission webhook "label.kubeflash.io" attempted to modify the object, which is not supported for this operation');
  });
});
