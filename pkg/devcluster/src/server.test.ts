import { request } from 'node:https';
import yaml from 'js-yaml';
import { startDevCluster, type DevCluster } from './index';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: () => Record<string, unknown>;
}

describe('devcluster HTTP API', () => {
  let cluster: DevCluster;
  let ca: string;
  let cert: string;
  let key: string;

  const call = (method: string, path: string, options: { body?: unknown; accept?: string; contentType?: string } = {}): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const req = request(`${cluster.url}${path}`, { method, ca, cert, key, headers: { Accept: options.accept ?? 'application/json', 'Content-Type': options.contentType ?? 'application/json' } }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) as Record<string, unknown> }));
      });
      req.on('error', reject);
      req.end(options.body === undefined ? undefined : JSON.stringify(options.body));
    });

  beforeAll(async () => {
    cluster = await startDevCluster();
    const config = yaml.load(cluster.kubeconfigYaml()) as {
      clusters: { cluster: { 'certificate-authority-data': string } }[];
      users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
    };
    const pem = (b64: string) => Buffer.from(b64, 'base64').toString();
    ca = pem(config.clusters[0].cluster['certificate-authority-data']);
    // The kubeconfig's administrator: a client certificate in group system:masters.
    cert = pem(config.users[0].user['client-certificate-data']);
    key = pem(config.users[0].user['client-key-data']);
  });
  afterAll(() => cluster.stop());

  it('serves health, version and legacy discovery', async () => {
    expect((await call('GET', '/readyz')).body).toBe('ok');
    expect((await call('GET', '/version')).json()).toMatchObject({ major: '1', minor: '36' });
    expect((await call('GET', '/api')).json()).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = (await call('GET', '/apis')).json() as { groups: { name: string }[] };
    expect(groups.groups.map((g) => g.name)).toEqual(expect.arrayContaining(['apps', 'batch', 'apiextensions.k8s.io', 'admissionregistration.k8s.io', 'events.k8s.io']));
    const core = (await call('GET', '/api/v1')).json() as { resources: { name: string; shortNames?: string[] }[] };
    expect(core.resources.find((r) => r.name === 'configmaps')?.shortNames).toEqual(['cm']);
    expect(core.resources.map((r) => r.name)).toContain('namespaces/status');
    const missing = await call('GET', '/apis/nothing.example/v1/things');
    expect(missing.status).toBe(404);
    expect(missing.body).toBe('404 page not found\n');
  });

  it('serves OpenAPI v3 with fieldValidation on PATCH operations, and v2 as empty protobuf', async () => {
    const index = (await call('GET', '/openapi/v3')).json() as { paths: Record<string, { serverRelativeURL: string }> };
    const url = index.paths['api/v1'].serverRelativeURL;
    expect(url).toMatch(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]+$/);
    const doc = (await call('GET', url)).json() as { paths: Record<string, { patch?: { parameters: { name: string }[]; 'x-kubernetes-group-version-kind': object } }> };
    const patch = doc.paths['/api/v1/namespaces/{namespace}/configmaps/{name}'].patch;
    expect(patch?.['x-kubernetes-group-version-kind']).toEqual({ group: '', version: 'v1', kind: 'ConfigMap' });
    expect(patch?.parameters.map((p) => p.name)).toContain('fieldValidation');
    const v2 = await call('GET', '/openapi/v2', { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' });
    expect(v2.status).toBe(200);
    expect(v2.headers['content-type']).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    expect(v2.body).toBe('');
  });

  it('answers Tables, partial metadata, and Warning headers for unknown fields', async () => {
    const created = await call('POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: 'one' }, data: { a: '1' } } });
    expect(created.status).toBe(201);
    const table = (await call('GET', '/api/v1/namespaces/default/configmaps', { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' })).json() as {
      kind: string;
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[] }[];
    };
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Data', 'Age']);
    expect(table.rows.map((r) => r.cells.slice(0, 2))).toContainEqual(['one', 1]);
    const partial = (await call('GET', '/api/v1/namespaces/default/configmaps/one', { accept: 'application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io' })).json();
    expect(partial).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 'one' } });
    expect(partial.data).toBeUndefined();

    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'things.example.dev' },
      spec: {
        group: 'example.dev',
        scope: 'Cluster',
        names: { plural: 'things', kind: 'Thing' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { a: { type: 'string' } } } } } } }],
      },
    };
    expect((await call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: crd })).status).toBe(201);
    await new Promise((r) => setTimeout(r, 20));
    const warned = await call('POST', '/apis/example.dev/v1/things', { body: { apiVersion: 'example.dev/v1', kind: 'Thing', metadata: { name: 't' }, spec: { a: 'x', b: 'y' } } });
    expect(warned.status).toBe(201);
    expect(warned.headers.warning).toBe('299 - "unknown field \\"spec.b\\""');
    expect(warned.json().spec).toEqual({ a: 'x' });
    const strict = await call('POST', '/apis/example.dev/v1/things?fieldValidation=Strict', { body: { apiVersion: 'example.dev/v1', kind: 'Thing', metadata: { name: 't2' }, spec: { b: 'y' } } });
    expect(strict.status).toBe(400);
    expect(strict.json().message).toBe('Thing in version "v1" cannot be handled as a Thing: strict decoding error: unknown field "spec.b"');
    const dry = await call('POST', '/apis/example.dev/v1/things?dryRun=All', { body: { apiVersion: 'example.dev/v1', kind: 'Thing', metadata: { name: 'dry' } } });
    expect(dry.status).toBe(201);
    expect((await call('GET', '/apis/example.dev/v1/things/dry')).status).toBe(404);
  });

  it('refuses strategic merge patches on custom resources with 415', async () => {
    const res = await call('PATCH', '/apis/example.dev/v1/things/t', { body: { spec: { a: 'z' } }, contentType: 'application/strategic-merge-patch+json' });
    expect(res.status).toBe(415);
    expect(res.json().reason).toBe('UnsupportedMediaType');
  });
});
