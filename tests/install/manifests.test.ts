/**
 * `kubeflash manifests` is an install path of its own: its YAML applies with kubectl (server-side) to a cluster
 * as it is, a second apply changes nothing, and bad values files are refused with the field and the reason.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAll } from 'js-yaml';
import { useTestCluster, uniqueName, type TestCluster } from '@kubeflash/devcluster/testing';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(repoRoot, 'pkg', 'cli', 'bin', 'kubeflash.js');
const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });

let cluster: TestCluster;
let dir: string;

beforeAll(async () => {
  cluster = await useTestCluster({ namespacePrefix: 'kf-manifests' });
  dir = mkdtempSync(join(tmpdir(), 'kubeflash-manifests-'));
}, 60_000);
afterAll(async () => {
  await cluster?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('kubeflash manifests', () => {
  it('prints the Namespace, the CRDs and every install object, which kubectl applies server-side, twice without changes', async () => {
    const namespace = uniqueName('kf-system');
    const printed = run(['manifests', '--namespace', namespace]);
    expect(printed.stderr).toBe('');
    expect(printed.status).toBe(0);
    const objects = (loadAll(printed.stdout) as { kind: string; metadata: { name: string; namespace?: string } }[]).filter(Boolean);
    expect(objects[0]).toMatchObject({ kind: 'Namespace', metadata: { name: namespace } });
    expect(objects.filter((o) => o.kind === 'CustomResourceDefinition')).toHaveLength(6);
    expect(objects.map((o) => o.kind)).toEqual(expect.arrayContaining(['ServiceAccount', 'Deployment', 'Service', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']));
    for (const o of objects.filter((x) => ['Deployment', 'Service', 'ServiceAccount', 'Role'].includes(x.kind))) expect(o.metadata.namespace).toBe(namespace);

    const first = await cluster.kubectl(['apply', '--server-side', '-f', '-'], { input: printed.stdout, timeoutMs: 60_000 });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('deployment.apps/kubeflash-operator serverside-applied');
    const deployment = await cluster.kubectl(['get', 'deployment', 'kubeflash-operator', '-n', namespace, '-o', 'jsonpath={.spec.template.spec.containers[0].args}']);
    expect(JSON.parse(deployment.stdout)).toEqual(['operator', '--log-level=info', '--log-format=json', '--health-port=8080', '--device-concurrency=8', '--webhook-port=9443', '--webhook-cert-source=operator']);
    const second = await cluster.kubectl(['apply', '--server-side', '-f', '-'], { input: printed.stdout, timeoutMs: 60_000 });
    expect(second.code).toBe(0);
    const rv = (await cluster.kubectl(['get', 'deployment', 'kubeflash-operator', '-n', namespace, '-o', 'jsonpath={.metadata.resourceVersion}'])).stdout;
    const third = await cluster.kubectl(['apply', '--server-side', '-f', '-'], { input: printed.stdout, timeoutMs: 60_000 });
    expect(third.code).toBe(0);
    expect((await cluster.kubectl(['get', 'deployment', 'kubeflash-operator', '-n', namespace, '-o', 'jsonpath={.metadata.resourceVersion}'])).stdout).toBe(rv);
  }, 120_000);

  it('takes a values file as Helm does: a list of watched namespaces becomes a Role in each and no cluster-wide operator role', () => {
    const file = join(dir, 'values.yaml');
    writeFileSync(file, 'operator:\n  watchNamespaces: [garage, factory]\n');
    const printed = run(['manifests', '--values', file, '--no-crds']);
    expect(printed.status).toBe(0);
    const objects = (loadAll(printed.stdout) as { kind: string; metadata: { name: string; namespace?: string } }[]).filter(Boolean);
    expect(objects.filter((o) => o.kind === 'CustomResourceDefinition')).toEqual([]);
    expect(objects.filter((o) => o.kind === 'Role' && o.metadata.name === 'kubeflash-operator').map((o) => o.metadata.namespace)).toEqual(['garage', 'factory']);
    expect(objects.filter((o) => o.kind === 'ClusterRole' && o.metadata.name === 'kubeflash-operator')).toEqual([]);
  });

  it.each([
    ['operator:\n  replicas: 0\n', 'operator.replicas: must be at least 1, got 0'],
    ['- not\n- a map\n', 'must hold a map of values'],
    ['a: [unclosed\n', 'is not YAML'],
  ])('refuses the values file %j with one line naming the field', (text, message) => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, text);
    const printed = run(['manifests', '--values', file]);
    expect(printed.status).toBe(2);
    expect(printed.stdout).toBe('');
    expect(printed.stderr).toContain(message);
  });

  it('refuses a namespace that is not a namespace name', () => {
    const printed = run(['manifests', '--namespace', 'Kube_Flash']);
    expect(printed.status).toBe(2);
    expect(printed.stderr).toContain('"Kube_Flash" is not a namespace name');
  });
});
