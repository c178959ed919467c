/**
 * The chart and `kubeflash manifests` come from one source: the committed chart is what the generator writes,
 * helm 3 lints it strictly, and `helm template` renders exactly the objects the plain renderer makes, for the
 * defaults and for value sets that flip every conditional. helm is the real binary (see helm.ts).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump, loadAll } from 'js-yaml';
import { CHART_DIR, REPO_ROOT, chartFiles, staleTemplates } from '../src/chart/files';
import { installObjects, type Json, type PlainObject } from '../src/index';
import { HELM_VERSION, helmBinary, runHelm } from './helm';
import { ARTIFACT_SERVICE } from '../../kubeflash/utils/artifact-server';
import { ARTIFACTS_NAME, ARTIFACTS_PORT } from '../src/names';

const chart = join(REPO_ROOT, CHART_DIR);
let helm: string | undefined;
let home: string;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'kubeflash-helm-'));
  const found = await helmBinary();
  helm = found.path;
  if (!helm) console.warn(`SKIPPED: the helm tests of the chart need helm ${HELM_VERSION}: ${found.reason}`);
}, 120_000);

afterAll(() => rmSync(home, { recursive: true, force: true }));

const keyOf = (o: PlainObject): string => {
  const meta = (o.metadata ?? {}) as { name?: string; namespace?: string };
  return `${String(o.apiVersion)} ${String(o.kind)} ${meta.namespace ?? ''}/${meta.name ?? ''}`;
};

function byKey(objects: PlainObject[]): Map<string, PlainObject> {
  const out = new Map<string, PlainObject>();
  for (const o of objects) {
    const key = keyOf(o);
    if (out.has(key)) throw new Error(`two objects ${key}`);
    out.set(key, o);
  }
  return out;
}

function helmTemplate(values: { [key: string]: Json }, extra: string[] = []): PlainObject[] {
  if (!helm) throw new Error('helm is missing');
  const file = join(home, `values-${Math.random().toString(16).slice(2)}.yaml`);
  writeFileSync(file, dump(values));
  const run = runHelm(helm, ['template', 'kubeflash', chart, '--namespace', 'kf-system', '--values', file, ...extra], home);
  if (run.status !== 0) throw new Error(`helm template failed: ${run.stderr}`);
  return (loadAll(run.stdout) as (PlainObject | null)[]).filter((o): o is PlainObject => o !== null);
}

describe('the committed chart', () => {
  it('is what npm run generate writes (templates, NOTES, values, schema, README tables)', async () => {
    const stale: string[] = [];
    const files = await chartFiles();
    for (const file of files) if (readFileSync(join(REPO_ROOT, file.path), 'utf8') !== file.content) stale.push(file.path);
    expect(stale).toEqual([]);
    expect(await staleTemplates(new Set(files.map((f) => f.path)))).toEqual([]);
  });

  it('passes helm lint --strict', () => {
    if (!helm) return;
    const run = runHelm(helm, ['lint', '--strict', chart], home);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
  });
});

const VALUE_SETS: [string, { [key: string]: Json }][] = [
  ['the defaults', {}],
  ['a list of watched namespaces', { operator: { watchNamespaces: ['garage', 'factory'], logLevel: 'debug', replicas: 3 } }],
  ['cert-manager certificates', { webhooks: { certManager: { enabled: true }, timeoutSeconds: 5 } }],
  ['webhooks off', { webhooks: { enabled: false } }],
  [
    'monitoring on, user roles off, a digest, pod settings',
    {
      monitoring: { serviceMonitor: { enabled: true, labels: { release: 'rancher-monitoring' } }, prometheusRules: { enabled: true }, grafanaDashboard: { enabled: true } },
      rbac: { userRoles: false },
      image: { digest: `sha256:${'ab'.repeat(32)}` },
      imagePullSecrets: [{ name: 'registry' }],
      operator: { priorityClassName: 'system-cluster-critical', podAnnotations: { 'example.com/team': 'iot' }, nodeSelector: { 'kubernetes.io/os': 'linux' } },
    },
  ],
  ['aggregation off', { rbac: { aggregateToDefaultRoles: false } }],
  [
    'the artifact service on S3 behind an Ingress with TLS, watching a list of namespaces',
    {
      operator: { watchNamespaces: ['garage'] },
      artifacts: {
        publicUrl: 'https://firmware.home.example.net',
        s3: { enabled: true, bucket: 'kubeflash', endpoint: 'http://minio.storage.svc:9000', prefix: 'fw/', credentialsSecret: 'artifacts-s3' },
        ingress: { enabled: true, className: 'nginx', host: 'firmware.home.example.net', tlsSecretName: 'firmware-tls', annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' } },
        builder: { startTimeoutSeconds: 900 },
      },
    },
  ],
  ['the artifact service on an existing claim', { artifacts: { persistence: { existingClaim: 'firmware-store', storageClassName: 'fast' } } }],
  ['the artifact service off', { artifacts: { enabled: false } }],
];

describe('helm template renders exactly what kubeflash manifests prints', () => {
  it.each(VALUE_SETS)('for %s', (_name, values) => {
    if (!helm) return;
    const fromHelm = byKey(helmTemplate(values));
    const plain = byKey(installObjects({ namespace: 'kf-system', values, namespaceObject: false }));
    expect([...fromHelm.keys()].sort()).toEqual([...plain.keys()].sort());
    for (const [key, object] of plain) expect({ key, object: fromHelm.get(key) }).toEqual({ key, object });
  });

  it('--include-crds adds exactly the generated CRDs', () => {
    if (!helm) return;
    const withCrds = helmTemplate({}, ['--include-crds']).filter((o) => o.kind === 'CustomResourceDefinition');
    const files = readdirSync(join(chart, 'crds')).map((f) => loadAll(readFileSync(join(chart, 'crds', f), 'utf8'))[0] as PlainObject);
    expect(byKey(withCrds)).toEqual(byKey(files));
  });
});

describe('Chart.yaml', () => {
  it("makes Rancher's Apps page install into the namespace the extension's service proxy reaches the artifact service in", () => {
    const meta = loadAll(readFileSync(join(chart, 'Chart.yaml'), 'utf8'))[0] as { annotations: Record<string, string> };
    expect(meta.annotations['catalog.cattle.io/namespace']).toBe(ARTIFACT_SERVICE.namespace);
    expect(meta.annotations['catalog.cattle.io/release-name']).toBe('kubeflash');
    expect([ARTIFACT_SERVICE.name, ARTIFACT_SERVICE.port]).toEqual([ARTIFACTS_NAME, ARTIFACTS_PORT]);
  });
});

describe('values.schema.json', () => {
  it.each([
    [{ operator: { replicas: 0 } }, 'replicas'],
    [{ operator: { logLevel: 'verbose' } }, 'logLevel'],
    [{ operator: { watchNamespaces: ['Not_A_Namespace'] } }, 'watchNamespaces'],
    [{ operator: { replica: 2 } }, 'replica'],
    [{ image: { digest: 'latest' } }, 'digest'],
    [{ operator: { watchNamespaces: ['garage', 'garage'] } }, 'watchNamespaces'],
    [{ artifacts: { publicUrl: 'firmware.example.com' } }, 'publicUrl'],
    [{ artifacts: { s3: { enable: true } } }, 'enable'],
    [{ artifacts: { builder: { image: 'docker.io/espressif/idf:v5.5.3' } } }, 'image'],
    [{ artifacts: { s3: { stagingSize: 'lots' } } }, 'stagingSize'],
    [{ artifacts: { s3: { enabled: true } } }, 'bucket'],
  ])('makes helm refuse %j, naming %s; kubeflash manifests refuses it too', (values, field) => {
    expect(() => installObjects({ values: values as { [key: string]: Json } })).toThrow(field);
    if (!helm) return;
    const file = join(home, 'bad-values.yaml');
    writeFileSync(file, dump(values));
    const run = runHelm(helm, ['template', 'kubeflash', chart, '--values', file], home);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('values don\'t meet the specifications of the schema');
    expect(run.stderr).toContain(field);
  });
});
