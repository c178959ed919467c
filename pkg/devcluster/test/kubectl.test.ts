/**
 * Fidelity of the Kubernetes API as the machine's kubectl (1.32) sees it. Runs against devcluster,
 * or against the real cluster of KUBEFLASH_TEST_KUBECONFIG.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { eventually, requireKubectl, useTestCluster, type KubectlResult, type TestCluster } from '../src/testing';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const widgetsCrd = fileURLToPath(new URL('./fixtures/widgets-crd.yaml', import.meta.url));

type Obj = { apiVersion: string; kind: string; metadata: Record<string, unknown> & { name: string; namespace?: string }; [k: string]: unknown };

function ok(r: KubectlResult): string {
  if (r.code !== 0) throw new Error(`kubectl failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

function rows(table: string): string[][] {
  return table
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s{2,}/));
}

describe('devcluster through kubectl', () => {
  let c: TestCluster;
  let ns: string;
  const k = (args: string[], input?: string) => c.kubectl(args, { input });

  beforeAll(async () => {
    requireKubectl();
    c = await useTestCluster({ namespacePrefix: 'kf-kubectl' });
    ns = c.namespace;
    ok(await k(['apply', '-f', widgetsCrd]));
    ok(await k(['apply', '-f', `${repo}/charts/kubeflash/crds/`]));
    ok(await k(['wait', '--for', 'condition=Established', '--timeout=20s', 'crd/widgets.devcluster.kubeflash.dev', 'crd/devices.kubeflash.dev']));
  }, 60_000);

  afterAll(async () => {
    await c?.cleanup();
  });

  it('applies the kubeflash CRDs and the example fleet; get shows printer columns, -o wide, short names and the category', async () => {
    const docs = (yaml.loadAll(readFileSync(`${repo}/examples/fleet.yaml`, 'utf8')) as Obj[]).filter((d) => d && d.kind !== 'Namespace');
    const manifest = docs.map((d) => yaml.dump({ ...d, metadata: { ...d.metadata, namespace: ns } })).join('---\n');
    const applied = ok(await k(['apply', '-f', '-'], manifest));
    expect(applied).toMatch(/device\.kubeflash\.dev\/garage-temp-1 created/);
    expect(ok(await k(['apply', '-f', '-'], manifest))).toMatch(/device\.kubeflash\.dev\/garage-temp-1 unchanged/);

    const table = rows(ok(await k(['get', 'devices', '-n', ns])));
    expect(table[0].slice(0, 3)).toEqual(['NAME', 'CLASS', 'CLUSTER']);
    expect(table).toHaveLength(1 + docs.filter((d) => d.kind === 'Device').length);
    const wide = rows(ok(await k(['get', 'devices', '-n', ns, '-o', 'wide'])));
    expect(wide[0].length).toBeGreaterThan(table[0].length);

    const byShortName = ok(await k(['get', 'kfdev', '-n', ns, '-o', 'name']));
    expect(byShortName.trim().split('\n')).toContain('device.kubeflash.dev/garage-temp-1');
    const category = ok(await k(['get', 'kubeflash', '-n', ns, '-o', 'name']));
    expect(category).toContain('deviceclass.kubeflash.dev/c3-sensor');
    expect(category).toContain('devicegroup.kubeflash.dev/site-garage');
    expect(category).toContain('device.kubeflash.dev/garage-freezer');

    const asYaml = yaml.load(ok(await k(['get', 'device', 'garage-temp-1', '-n', ns, '-o', 'yaml']))) as Obj;
    expect(asYaml.apiVersion).toBe('kubeflash.dev/v1alpha1');
    expect(asYaml.metadata.uid).toEqual(expect.any(String));
    expect(asYaml.metadata.managedFields).toBeUndefined();
    expect(asYaml.metadata.generation).toBe(1);
  });

  it('serves CRD columns, defaults, priority columns and categories for a test CRD', async () => {
    ok(await k(['apply', '-n', ns, '-f', '-'], JSON.stringify({ apiVersion: 'devcluster.kubeflash.dev/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 3 } })));
    const table = rows(ok(await k(['get', 'wg', '-n', ns])));
    expect(table[0]).toEqual(['NAME', 'SIZE', 'COLOR', 'PHASE', 'AGE']);
    expect(table[1].slice(0, 3)).toEqual(['w1', '3', 'red']);
    const wide = rows(ok(await k(['get', 'wg', '-n', ns, '-o', 'wide'])));
    expect(wide[0]).toEqual(['NAME', 'SIZE', 'COLOR', 'PHASE', 'READY', 'AGE']);
    expect(ok(await k(['get', 'kftest', '-n', ns, '-o', 'name'])).trim()).toBe('widget.devcluster.kubeflash.dev/w1');
    const all = rows(ok(await k(['get', 'wg', '-A'])));
    expect(all[0][0]).toBe('NAMESPACE');
    expect(all.some((r) => r[0] === ns && r[1] === 'w1')).toBe(true);
    const explained = ok(await k(['explain', 'widgets.spec']));
    expect(explained).toMatch(/size\s+<integer>/);
  });

  it('reports schema, CEL and strict-decoding errors the way kube-apiserver does', async () => {
    const widget = (spec: object) => JSON.stringify({ apiVersion: 'devcluster.kubeflash.dev/v1', kind: 'Widget', metadata: { name: 'bad', namespace: ns }, spec });
    const tooBig = await k(['apply', '-f', '-'], widget({ size: 20 }));
    expect(tooBig.code).not.toBe(0);
    expect(tooBig.stderr).toContain('The Widget "bad" is invalid');
    expect(tooBig.stderr).toContain('spec.size: Invalid value: 20: spec.size in body should be less than or equal to 10');
    const badEnum = await k(['apply', '-f', '-'], widget({ size: 2, color: 'pink' }));
    expect(badEnum.stderr).toContain('spec.color: Unsupported value: "pink": supported values: "red", "green", "blue"');
    const cel = await k(['apply', '-f', '-'], widget({ size: 7, color: 'red' }));
    expect(cel.stderr).toContain('red widgets are at most 5 big');
    const pattern = await k(['apply', '-f', '-'], widget({ size: 2, label: 'ABCDEFGHIJ' }));
    expect(pattern.stderr).toMatch(/spec\.label: Too long: may not be (longer than|more than) 8/);
    const unknown = await k(['apply', '-f', '-'], widget({ size: 2, bogus: true }));
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('strict decoding error: unknown field "spec.bogus"');
    expect((await k(['get', 'wg', 'bad', '-n', ns])).stderr).toContain('NotFound');
  });

  it('creates from kubectl generators and patches with merge, json and strategic patches; label and annotate', async () => {
    ok(await k(['create', 'secret', 'generic', 'creds', '-n', ns, '--from-literal=user=alice', '--from-literal=pass=s3cret']));
    ok(await k(['create', 'configmap', 'settings', '-n', ns, '--from-literal=mode=fast']));
    ok(await k(['create', 'job', 'once', '-n', ns, '--image=busybox', '--', 'echo', 'hi']));
    const job = JSON.parse(ok(await k(['get', 'job', 'once', '-n', ns, '-o', 'json']))) as Obj & { spec: { template: { spec: { containers: { image: string; command: string[] }[] } } } };
    expect(job.spec.template.spec.containers[0]).toMatchObject({ image: 'busybox', command: ['echo', 'hi'] });
    ok(await k(['create', 'deployment', 'web', '-n', ns, '--image=nginx', '--replicas=2']));
    expect(rows(ok(await k(['get', 'deploy', 'web', '-n', ns])))[1].slice(0, 2)).toEqual(['web', '0/2']);
    ok(await k(['patch', 'secret', 'creds', '-n', ns, '--type', 'merge', '-p', '{"stringData":{"token":"abc"}}']));
    ok(await k(['patch', 'configmap', 'settings', '-n', ns, '--type', 'json', '-p', '[{"op":"add","path":"/data/level","value":"3"},{"op":"remove","path":"/data/mode"}]']));
    ok(await k(['patch', 'configmap', 'settings', '-n', ns, '--type', 'strategic', '-p', '{"metadata":{"finalizers":["kubeflash.dev/test"]},"data":{"extra":"1"}}']));
    ok(await k(['patch', 'configmap', 'settings', '-n', ns, '--type', 'strategic', '-p', '{"metadata":{"$deleteFromPrimitiveList/finalizers":["kubeflash.dev/test"]}}']));
    ok(await k(['label', 'configmap', 'settings', '-n', ns, 'tier=web']));
    ok(await k(['annotate', 'secret', 'creds', '-n', ns, 'kubeflash.dev/note=hello']));

    const secret = JSON.parse(ok(await k(['get', 'secret', 'creds', '-n', ns, '-o', 'json']))) as Obj & { data: Record<string, string> };
    expect(Buffer.from(secret.data.token, 'base64').toString()).toBe('abc');
    expect(Buffer.from(secret.data.user, 'base64').toString()).toBe('alice');
    expect(secret.stringData).toBeUndefined();
    expect((secret.metadata.annotations as Record<string, string>)['kubeflash.dev/note']).toBe('hello');
    const cm = JSON.parse(ok(await k(['get', 'cm', 'settings', '-n', ns, '-o', 'json']))) as Obj & { data: Record<string, string> };
    expect(cm.data).toEqual({ level: '3', extra: '1' });
    expect(cm.metadata.finalizers).toBeUndefined();
    expect(cm.metadata.labels).toEqual({ tier: 'web' });
    const table = rows(ok(await k(['get', 'secret', 'creds', '-n', ns])));
    expect(table[0]).toEqual(['NAME', 'TYPE', 'DATA', 'AGE']);
    expect(table[1].slice(0, 3)).toEqual(['creds', 'Opaque', '3']);
  });

  it('filters with label and field selectors', async () => {
    const cm = (name: string, labels: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels }, data: {} });
    const list = { apiVersion: 'v1', kind: 'List', items: [cm('sel-a', { app: 'shop', stage: 'web' }), cm('sel-b', { app: 'shop', stage: 'db' }), cm('sel-c', { app: 'blog' })] };
    ok(await k(['apply', '-f', '-'], JSON.stringify(list)));
    const names = async (...args: string[]) => ok(await k(['get', 'cm', '-n', ns, '-o', 'name', ...args])).trim().split('\n').filter(Boolean).sort();
    expect(await names('-l', 'app=shop')).toEqual(['configmap/sel-a', 'configmap/sel-b']);
    expect(await names('-l', 'app=shop,stage!=web')).toEqual(['configmap/sel-b']);
    expect(await names('-l', 'stage in (web,db)')).toEqual(['configmap/sel-a', 'configmap/sel-b']);
    expect(await names('-l', 'app,!stage')).toEqual(['configmap/sel-c']);
    expect(await names('--field-selector', 'metadata.name=sel-b')).toEqual(['configmap/sel-b']);
    const bad = await k(['get', 'cm', '-n', ns, '--field-selector', 'spec.nothing=1']);
    // kube-apiserver 1.36's text for a field ConfigMaps cannot be selected by.
    expect(bad.stderr).toContain('"spec.nothing" is not a known field selector: only "metadata.name", "metadata.namespace"');
    const paged = ok(await k(['get', 'cm', '-n', ns, '-l', 'app', '--chunk-size', '1', '-o', 'name']));
    expect(paged.trim().split('\n')).toHaveLength(3);
  });

  it('replaces (edit-like update) and refuses a stale resourceVersion with a conflict', async () => {
    ok(await k(['create', 'configmap', 'edited', '-n', ns, '--from-literal=a=1']));
    const original = JSON.parse(ok(await k(['get', 'cm', 'edited', '-n', ns, '-o', 'json']))) as Obj & { data: Record<string, string> };
    const first = { ...original, data: { a: '2' } };
    expect(ok(await k(['replace', '-f', '-'], JSON.stringify(first)))).toContain('configmap/edited replaced');
    const stale = await k(['replace', '-f', '-'], JSON.stringify({ ...original, data: { a: '3' } }));
    expect(stale.code).not.toBe(0);
    expect(stale.stderr).toContain('the object has been modified; please apply your changes to the latest version and try again');
    const now = JSON.parse(ok(await k(['get', 'cm', 'edited', '-n', ns, '-o', 'json']))) as Obj & { data: Record<string, string> };
    expect(now.data.a).toBe('2');
  });

  it('keeps an object with finalizers until they are removed', async () => {
    ok(await k(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'devcluster.kubeflash.dev/v1', kind: 'Widget', metadata: { name: 'held', namespace: ns, finalizers: ['kubeflash.dev/hold'] }, spec: { size: 1 } })));
    ok(await k(['delete', 'wg', 'held', '-n', ns, '--wait=false']));
    const held = JSON.parse(ok(await k(['get', 'wg', 'held', '-n', ns, '-o', 'json']))) as Obj;
    expect(held.metadata.deletionTimestamp).toEqual(expect.any(String));
    expect(held.metadata.generation).toBe(2);
    ok(await k(['patch', 'wg', 'held', '-n', ns, '--type', 'json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']));
    const gone = await k(['get', 'wg', 'held', '-n', ns]);
    expect(gone.stderr).toContain('NotFound');
  });

  it('cascades deletion to owned objects (background, foreground) and orphans on request', async () => {
    const owner = async (name: string) => {
      ok(await k(['create', 'configmap', name, '-n', ns]));
      return (JSON.parse(ok(await k(['get', 'cm', name, '-n', ns, '-o', 'json']))) as Obj).metadata.uid as string;
    };
    const dependent = (name: string, ownerName: string, uid: string, block = false) =>
      k(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns, ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: ownerName, uid, blockOwnerDeletion: block }] } }));
    const exists = async (kind: string, name: string) => (await k(['get', kind, name, '-n', ns, '-o', 'name'])).code === 0;

    ok(await dependent('dep-bg', 'owner-bg', await owner('owner-bg')));
    ok(await k(['delete', 'cm', 'owner-bg', '-n', ns]));
    await eventually(async () => ((await exists('secret', 'dep-bg')) ? undefined : true), 'background cascade', 20_000);

    ok(await dependent('dep-orphan', 'owner-orphan', await owner('owner-orphan')));
    ok(await k(['delete', 'cm', 'owner-orphan', '-n', ns, '--cascade=orphan']));
    const orphan = await eventually(async () => {
      const s = JSON.parse(ok(await k(['get', 'secret', 'dep-orphan', '-n', ns, '-o', 'json']))) as Obj;
      return s.metadata.ownerReferences ? undefined : s;
    }, 'orphaned dependent without owner references', 20_000);
    expect(orphan.metadata.name).toBe('dep-orphan');

    ok(await dependent('dep-fg', 'owner-fg', await owner('owner-fg'), true));
    ok(await k(['delete', 'cm', 'owner-fg', '-n', ns, '--cascade=foreground', '--timeout=20s']));
    expect(await exists('cm', 'owner-fg')).toBe(false);
    expect(await exists('secret', 'dep-fg')).toBe(false);
  }, 60_000);

  it('streams changes to kubectl get -w', async () => {
    ok(await k(['create', 'configmap', 'watched', '-n', ns, '--from-literal=v=1']));
    const stream = c.kubectlStream(['get', 'cm', 'watched', '-n', ns, '-w', '--output-watch-events']);
    try {
      await eventually(() => (/ADDED\s+watched/.test(stream.output()) ? true : undefined), `the ADDED row (${stream.output()})`);
      ok(await k(['label', 'cm', 'watched', '-n', ns, 'seen=yes']));
      await eventually(() => (/MODIFIED\s+watched/.test(stream.output()) ? true : undefined), `the MODIFIED row (${stream.output()})`);
      ok(await k(['delete', 'cm', 'watched', '-n', ns]));
      await eventually(() => (/DELETED\s+watched/.test(stream.output()) ? true : undefined), `the DELETED row (${stream.output()})`);
    } finally {
      await stream.stop();
    }
  });

  it('supports server-side apply and dry runs', async () => {
    const widget = (size: number) => JSON.stringify({ apiVersion: 'devcluster.kubeflash.dev/v1', kind: 'Widget', metadata: { name: 'ssa', namespace: ns }, spec: { size, color: 'blue' } });
    expect(ok(await k(['apply', '--server-side', '-f', '-'], widget(2)))).toContain('serverside-applied');
    ok(await k(['apply', '--server-side', '-f', '-'], widget(4)));
    const applied = JSON.parse(ok(await k(['get', 'wg', 'ssa', '-n', ns, '-o', 'json']))) as Obj & { spec: { size: number } };
    expect(applied.spec.size).toBe(4);
    expect(applied.metadata.generation).toBe(2);
    ok(await k(['create', 'configmap', 'dry', '-n', ns, '--dry-run=server']));
    expect((await k(['get', 'cm', 'dry', '-n', ns])).stderr).toContain('NotFound');
  });
});
