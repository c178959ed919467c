import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { REPO_ROOT } from './outputs';
import { validatorFor } from './validate';
import {
  API_VERSION,
  DNS1123_SUBDOMAIN_PATTERN,
  INTEGER_KEY_TYPES,
  KIND_DEFINITIONS,
  NVS_KEY_PATTERN,
  type ConfigLayer,
  type Device,
  type DeviceClass,
  type DeviceGroup,
  type DevicesCluster,
} from '../v1alpha1/index';

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}
interface SecretManifest extends Manifest {
  type?: string;
  stringData?: Record<string, string>;
}

const EXAMPLES = join(REPO_ROOT, 'examples');
const NAMESPACE = 'kubeflash-demo';

async function loadExamples(): Promise<Manifest[]> {
  const files = (await readdir(EXAMPLES)).filter((n) => /\.ya?ml$/.test(n)).sort();
  const docs: Manifest[] = [];
  for (const file of files) {
    for (const doc of loadAll(await readFile(join(EXAMPLES, file), 'utf8'))) if (doc) docs.push(doc as Manifest);
  }
  // What the API server stores: JSON (YAML-only types such as dates would not survive).
  return JSON.parse(JSON.stringify(docs)) as Manifest[];
}

const ofKind = <T>(docs: Manifest[], kind: string) => docs.filter((d) => d.kind === kind) as unknown as T[];

/** Keys a config layer sets, from its plain values and the Secret keys it references. */
function layerKeys(layer: ConfigLayer | undefined, secrets: SecretManifest[]): string[] {
  const keys = Object.keys(layer?.values ?? {});
  for (const ref of layer?.secretRefs ?? []) {
    const secret = secrets.find((s) => s.metadata.name === ref.name);
    keys.push(...(ref.keys ?? Object.keys(secret?.stringData ?? {})));
  }
  return keys;
}

function selects(group: DeviceGroup, device: Device): boolean {
  const labels = device.metadata.labels ?? {};
  const matchLabels = group.spec.selector.matchLabels ?? {};
  return Object.entries(matchLabels).every(([k, v]) => labels[k] === v) && !group.spec.selector.matchExpressions;
}

describe('examples/', () => {
  let docs: Manifest[];
  beforeAll(async () => {
    docs = await loadExamples();
  });

  it('starts with the Namespace and keeps every other object in it', () => {
    expect(docs[0]).toMatchObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
    for (const doc of docs.slice(1)) expect(doc.metadata.namespace).toBe(NAMESPACE);
    for (const doc of docs) {
      expect(doc.metadata.name).toMatch(new RegExp(DNS1123_SUBDOMAIN_PATTERN));
      expect(doc.metadata.name.length).toBeLessThanOrEqual(63);
    }
  });

  it('holds the fleet the README describes', () => {
    expect(ofKind<DevicesCluster>(docs, 'DevicesCluster').map((c) => c.metadata.name)).toEqual(['home']);
    const classes = ofKind<DeviceClass>(docs, 'DeviceClass');
    expect(classes.map((c) => [c.metadata.name, c.spec.chip])).toEqual([
      ['c3-sensor', 'esp32c3'],
      ['s3-display', 'esp32s3'],
    ]);
    const [group] = ofKind<DeviceGroup>(docs, 'DeviceGroup');
    expect(group.metadata.name).toBe('site-garage');
    expect(group.spec.selector.matchLabels).toEqual({ 'kubeflash.dev/site': 'garage' });
    expect(group.spec.config?.secretRefs?.map((r) => r.name)).toEqual(['site-garage-wifi']);
    expect(ofKind<Device>(docs, 'Device')).toHaveLength(5);
  });

  it('validates every kubeflash object against its generated CRD schema, CEL rules included', () => {
    const kubeflash = docs.filter((d) => d.apiVersion === API_VERSION);
    expect(kubeflash.length).toBeGreaterThan(0);
    for (const doc of kubeflash) {
      const def = KIND_DEFINITIONS.find((d) => d.names.kind === doc.kind);
      expect(def).toBeDefined();
      if (def) expect({ object: doc.metadata.name, violations: validatorFor(def)(doc) }).toEqual({ object: doc.metadata.name, violations: [] });
    }
  });

  it('gives Secrets only string data under valid key names, with placeholder values', () => {
    for (const secret of ofKind<SecretManifest>(docs, 'Secret')) {
      expect(secret.type).toBe('Opaque');
      for (const [k, v] of Object.entries(secret.stringData ?? {})) {
        expect(k).toMatch(/^[-._a-zA-Z0-9]+$/);
        expect(typeof v).toBe('string');
      }
      for (const name of ['password', 'wifi_pass']) {
        if (secret.stringData?.[name]) expect(secret.stringData[name]).toContain('example');
      }
    }
  });

  it('resolves every reference to an object of the examples', () => {
    const names = (kind: string) => new Set(docs.filter((d) => d.kind === kind).map((d) => d.metadata.name));
    const secrets = ofKind<SecretManifest>(docs, 'Secret');
    const missing: string[] = [];
    for (const device of ofKind<Device>(docs, 'Device')) {
      if (!names('DeviceClass').has(device.spec.deviceClassRef.name)) missing.push(`${device.metadata.name}: class`);
      if (!names('DevicesCluster').has(device.spec.devicesClusterRef.name)) missing.push(`${device.metadata.name}: cluster`);
    }
    for (const cluster of ofKind<DevicesCluster>(docs, 'DevicesCluster')) {
      const admin = secrets.find((s) => s.metadata.name === cluster.spec.mqtt.adminSecretRef?.name);
      if (cluster.spec.mqtt.adminSecretRef && !(admin?.stringData?.username && admin.stringData.password)) {
        missing.push(`${cluster.metadata.name}: admin Secret`);
      }
    }
    const layers = docs.flatMap((d) => {
      const config = (d.spec as { config?: ConfigLayer } | undefined)?.config;
      return config ? [[d.metadata.name, config] as const] : [];
    });
    for (const [owner, layer] of layers) {
      for (const ref of layer.secretRefs ?? []) {
        const secret = secrets.find((s) => s.metadata.name === ref.name);
        if (!secret) missing.push(`${owner}: Secret ${ref.name}`);
        for (const k of ref.keys ?? []) if (secret?.stringData?.[k] === undefined) missing.push(`${owner}: ${ref.name}/${k}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("gives each device's class a declared, well-typed value for every key its layers set, and every required key", () => {
    const [cluster] = ofKind<DevicesCluster>(docs, 'DevicesCluster');
    const secrets = ofKind<SecretManifest>(docs, 'Secret');
    const groups = ofKind<DeviceGroup>(docs, 'DeviceGroup');
    const problems: string[] = [];
    for (const device of ofKind<Device>(docs, 'Device')) {
      const cls = ofKind<DeviceClass>(docs, 'DeviceClass').find((c) => c.metadata.name === device.spec.deviceClassRef.name);
      const schemaKeys = cls?.spec.configSchema?.keys ?? [];
      const layers = [cluster.spec.config, cls?.spec.config, ...groups.filter((g) => selects(g, device)).map((g) => g.spec.config), device.spec.config];
      const set = new Set(layers.flatMap((l) => layerKeys(l, secrets)));
      for (const k of set) {
        expect(k).toMatch(new RegExp(NVS_KEY_PATTERN));
        if (!schemaKeys.some((s) => s.name === k)) problems.push(`${device.metadata.name}: ${k} is not declared`);
      }
      for (const key of schemaKeys) {
        if (key.required && !set.has(key.name)) problems.push(`${device.metadata.name}: required ${key.name} missing`);
        const plain = layers.map((l) => l?.values?.[key.name]).filter((v): v is string => v !== undefined);
        if (key.secret && plain.length > 0) problems.push(`${device.metadata.name}: secret ${key.name} set as plain value`);
        for (const v of INTEGER_KEY_TYPES.includes(key.type) ? plain : []) {
          const n = Number(v);
          if (!Number.isInteger(n) || (key.min !== undefined && n < key.min) || (key.max !== undefined && n > key.max)) {
            problems.push(`${device.metadata.name}: ${key.name}=${v}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
