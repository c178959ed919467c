import { X509Certificate } from 'node:crypto';
import type { DeviceClass, Firmware } from '@kubeflash/api';
import {
  CA_RENEW_BEFORE_MS,
  SERVING_RENEW_BEFORE_MS,
  decideCertificate,
  pemCertificates,
  renewMaterial,
} from './certificates';
import { mutateRequest } from './mutate';
import { BadReviewError, readReview, reviewResponse, type AdmissionRequest } from './review';
import { validateRequest, type ReferenceLookup } from './validate';

const NS = 'garage';
const sensorClass: DeviceClass = {
  apiVersion: 'kubeflash.dev/v1alpha1',
  kind: 'DeviceClass',
  metadata: { name: 'c3-sensor', namespace: NS },
  spec: {
    chip: 'esp32c3',
    configSchema: {
      unknownKeys: 'Reject',
      keys: [
        { name: 'sample_period', type: 'u16', min: 5 },
        { name: 'wifi_pass', type: 'string', secret: true },
      ],
    },
  },
} as DeviceClass;
const failedFirmware = {
  apiVersion: 'kubeflash.dev/v1alpha1',
  kind: 'Firmware',
  metadata: { name: 'sensor-1.5.0', namespace: NS },
  spec: { deviceClassRef: { name: 'c3-sensor' }, version: '1.5.0', source: { upload: {} } },
  status: { phase: 'Failed', message: 'the app image is for esp32s3' },
} as unknown as Firmware;
const okFirmware = { ...failedFirmware, metadata: { name: 'sensor-1.6.0', namespace: NS }, status: { phase: 'Succeeded' } } as unknown as Firmware;

const lookup: ReferenceLookup = {
  deviceClass: async (_ns, name) => (name === 'c3-sensor' ? sensorClass : undefined),
  devicesCluster: async (_ns, name) => (name === 'home' ? ({ metadata: { name } } as never) : undefined),
  firmware: async (_ns, name) => [failedFirmware, okFirmware].find((f) => f.metadata?.name === name),
};

function request(kind: string, object: Record<string, unknown>, oldObject?: Record<string, unknown>): AdmissionRequest {
  return {
    uid: '705ab4f5-6393-11e8-b7cc-42010a800002',
    kind: { group: 'kubeflash.dev', version: 'v1alpha1', kind },
    resource: { group: 'kubeflash.dev', version: 'v1alpha1', resource: `${kind.toLowerCase()}s` },
    namespace: NS,
    name: (object.metadata as { name: string }).name,
    operation: oldObject ? 'UPDATE' : 'CREATE',
    object: { apiVersion: 'kubeflash.dev/v1alpha1', kind, ...object },
    oldObject: oldObject ? { apiVersion: 'kubeflash.dev/v1alpha1', kind, ...oldObject } : null,
  };
}

const device = (name: string, spec: Record<string, unknown>) => ({
  metadata: { name },
  spec: { deviceClassRef: { name: 'c3-sensor' }, devicesClusterRef: { name: 'home' }, ...spec },
});

describe('validating webhook', () => {
  it.each([
    [
      'a device value that does not fit its type',
      request('Device', device('t1', { config: { values: { sample_period: '70000' } } })),
      'key sample_period (from Device t1) is 70000, outside 5..65535',
    ],
    ['a device key the strict schema does not declare', request('Device', device('t1', { config: { values: { colour: 'red' } } })), 'key colour (from Device t1) is not declared in the class\'s configSchema, which rejects unknown keys'],
    ['a secret key in plain values', request('Device', device('t1', { config: { values: { wifi_pass: 'hunter2' } } })), 'Device t1 sets secret key wifi_pass in plain values; take it from a Secret with secretRefs'],
    ['a generated key in a group', request('DeviceGroup', { metadata: { name: 'site' }, spec: { config: { values: { mqtt_user: 'x' } } } }), 'DeviceGroup site sets mqtt_user, which the operator generates; remove it'],
    ['a key name that is not an NVS key', request('DevicesCluster', { metadata: { name: 'home' }, spec: { mqtt: {}, config: { values: { 'way-too-long-key-name': '1' } } } }), 'DevicesCluster home sets "way-too-long-key-name", which is not an NVS key name'],
    [
      'a class schema declaring a generated key',
      request('DeviceClass', { metadata: { name: 'c' }, spec: { chip: 'esp32', configSchema: { keys: [{ name: 'device_id', type: 'string' }] } } }),
      'configSchema declares key device_id, which the operator generates',
    ],
    [
      'a class default that does not fit its key',
      request('DeviceClass', { metadata: { name: 'c' }, spec: { chip: 'esp32', configSchema: { keys: [{ name: 'n', type: 'u8', default: '300' }] } } }),
      'configSchema:',
    ],
    [
      'a changed chip',
      request('DeviceClass', { metadata: { name: 'c3-sensor' }, spec: { chip: 'esp32s3' } }, { metadata: { name: 'c3-sensor' }, spec: { chip: 'esp32c3' } }),
      'spec.chip is immutable: its firmware is built for one chip; create another DeviceClass for another chip',
    ],
    [
      'a changed firmware version',
      request('Firmware', { metadata: { name: 'f' }, spec: { deviceClassRef: { name: 'c3-sensor' }, version: '1.6.0', source: { upload: {} } } }, { metadata: { name: 'f' }, spec: { deviceClassRef: { name: 'c3-sensor' }, version: '1.5.0', source: { upload: {} } } }),
      'spec.version is immutable: a Firmware is one build of one version; create another Firmware for another version',
    ],
    [
      'a changed rollout firmware',
      request('Rollout', { metadata: { name: 'r' }, spec: { firmwareRef: { name: 'sensor-1.6.0' } } }, { metadata: { name: 'r' }, spec: { firmwareRef: { name: 'sensor-1.5.0' } } }),
      'spec.firmwareRef is immutable: a Rollout installs one Firmware; create another Rollout',
    ],
    [
      'a rollout of a failed build',
      request('Rollout', { metadata: { name: 'r' }, spec: { firmwareRef: { name: 'sensor-1.5.0' } } }),
      'Firmware sensor-1.5.0 failed to build (the app image is for esp32s3); a Rollout cannot install it',
    ],
  ])('denies %s', async (_name, req, message) => {
    const decision = await validateRequest(req, lookup);
    expect(decision.denials.join('; ')).toContain(message);
    const review = reviewResponse(req, decision).response as { allowed: boolean; status: { code: number; message: string }; uid: string };
    expect(review).toMatchObject({ uid: req.uid, allowed: false, status: { code: 403 } });
    expect(review.status.message).toContain(message);
  });

  it.each([
    ['a device whose class does not exist yet', request('Device', { metadata: { name: 't' }, spec: { deviceClassRef: { name: 'later' }, devicesClusterRef: { name: 'home' }, config: { values: { anything: 'x' } } } }), 'DeviceClass later does not exist (yet) in namespace garage'],
    ['a device whose cluster does not exist yet', request('Device', { metadata: { name: 't' }, spec: { deviceClassRef: { name: 'c3-sensor' }, devicesClusterRef: { name: 'later' } } }), 'DevicesCluster later does not exist (yet)'],
    ['a firmware whose class does not exist yet', request('Firmware', { metadata: { name: 'f' }, spec: { deviceClassRef: { name: 'later' }, version: '1.0.0', source: { upload: {} } } }), 'DeviceClass later does not exist (yet)'],
    ['a rollout whose firmware does not exist yet', request('Rollout', { metadata: { name: 'r' }, spec: { firmwareRef: { name: 'later' } } }), 'Firmware later does not exist (yet)'],
  ])('allows %s with a warning', async (_name, req, warning) => {
    const decision = await validateRequest(req, lookup);
    expect(decision.denials).toEqual([]);
    expect(decision.warnings.join('\n')).toContain(warning);
    expect(reviewResponse(req, decision).response).toMatchObject({ allowed: true, warnings: [expect.stringContaining(warning)] });
  });

  it('allows valid objects without warnings', async () => {
    for (const req of [
      request('Device', device('ok', { config: { values: { sample_period: '60' } } })),
      request('Rollout', { metadata: { name: 'r' }, spec: { firmwareRef: { name: 'sensor-1.6.0' } } }),
      request('DeviceClass', { metadata: { name: 'c3-sensor' }, spec: { chip: 'esp32c3' } }, { metadata: { name: 'c3-sensor' }, spec: { chip: 'esp32c3', config: { values: { tz: 'UTC' } } } }),
    ]) {
      expect(await validateRequest(req, lookup)).toEqual({ denials: [], warnings: [] });
    }
  });

  it('lets an update that leaves spec alone through, so labels and finalizers of a now-invalid object can change', async () => {
    const bad = device('t1', { config: { values: { colour: 'red' } } });
    const relabelled = { ...bad, metadata: { ...bad.metadata, labels: { site: 'garage' } } };
    expect((await validateRequest(request('Device', relabelled, bad), lookup)).denials).toEqual([]);
  });

  it('refuses (500) rather than allows when a reference cannot be read', async () => {
    const broken: ReferenceLookup = { ...lookup, deviceClass: async () => Promise.reject(new Error('cannot read deviceclasses garage/c3-sensor: HTTP 403')) };
    await expect(validateRequest(request('Device', device('t1', {})), broken)).rejects.toThrow('HTTP 403');
  });
});

describe('mutating webhook', () => {
  const decode = (req: AdmissionRequest) => {
    const response = reviewResponse(req, mutateRequest(req)).response as { patch?: string; patchType?: string; allowed: boolean };
    return { ...response, ops: response.patch ? (JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8')) as unknown[]) : [] };
  };

  it('labels a device with its class and cluster and lower-cases its MAC, as a base64 JSONPatch', () => {
    const out = decode(request('Device', device('t1', { macAddress: 'AA:BB:CC:DD:EE:0F' })));
    expect(out.patchType).toBe('JSONPatch');
    expect(out.ops).toEqual([
      { op: 'add', path: '/metadata/labels', value: { 'kubeflash.dev/device-class': 'c3-sensor', 'kubeflash.dev/devices-cluster': 'home' } },
      { op: 'replace', path: '/spec/macAddress', value: 'aa:bb:cc:dd:ee:0f' },
    ]);
  });

  it('adds to existing labels with escaped keys, replaces stale ones, and sends no patch when all are in place', () => {
    const labelled = { metadata: { name: 'f', labels: { team: 'iot', 'kubeflash.dev/device-class': 'old' } }, spec: { deviceClassRef: { name: 'c3-sensor' }, version: '1.0.0', source: { upload: {} } } };
    expect(decode(request('Firmware', labelled)).ops).toEqual([{ op: 'replace', path: '/metadata/labels/kubeflash.dev~1device-class', value: 'c3-sensor' }]);
    const current = { metadata: { name: 'r', labels: { 'kubeflash.dev/firmware': 'sensor-1.6.0' } }, spec: { firmwareRef: { name: 'sensor-1.6.0' } } };
    const out = decode(request('Rollout', current));
    expect(out).toMatchObject({ allowed: true, ops: [] });
    expect(out.patchType).toBeUndefined();
  });
});

describe('AdmissionReview handling', () => {
  it('echoes the uid and truncates over-long warnings', () => {
    const req = request('Device', device('t', {}));
    const long = 'w'.repeat(400);
    const review = reviewResponse(req, { denials: [], warnings: [long] });
    expect(review).toMatchObject({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: req.uid, allowed: true } });
    expect(((review.response as { warnings: string[] }).warnings[0]).length).toBe(256);
  });

  it.each([
    [{ apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', request: {} }, 'expected an admission.k8s.io/v1 AdmissionReview'],
    [{ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }, 'has no request'],
    [{ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { kind: {}, resource: {}, operation: 'CREATE' } }, 'request.uid is missing'],
  ])('refuses %j', (body, message) => {
    expect(() => readReview(body)).toThrow(BadReviewError);
    expect(() => readReview(body)).toThrow(message);
  });
});

describe('operator-made serving certificates', () => {
  const names = ['kubeflash-operator.kf.svc', 'kubeflash-operator.kf.svc.cluster.local'];

  it('makes a CA and a serving certificate for the Service names, then keeps them', async () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const material = await renewMaterial(undefined, 'create', names, now);
    const serving = new X509Certificate(material.certPem);
    const [ca] = pemCertificates(material.caBundlePem);
    expect(serving.verify(ca.publicKey)).toBe(true);
    expect(serving.subjectAltName).toBe('DNS:kubeflash-operator.kf.svc, DNS:kubeflash-operator.kf.svc.cluster.local');
    expect(ca.ca).toBe(true);
    expect(decideCertificate(material, names, now)).toBe('keep');
    expect(decideCertificate(material, [...names, 'other.kf.svc'], now)).toBe('renew-serving');
    expect(decideCertificate(undefined, names, now)).toBe('create');
  });

  it('renews the serving certificate before it expires, from the same CA', async () => {
    const then = new Date('2026-01-01T00:00:00Z');
    const material = await renewMaterial(undefined, 'create', names, then);
    const late = new Date(Date.parse(new X509Certificate(material.certPem).validTo) - SERVING_RENEW_BEFORE_MS + 60_000);
    expect(decideCertificate(material, names, late)).toBe('renew-serving');
    const renewed = await renewMaterial(material, 'renew-serving', names, late);
    expect(renewed.caBundlePem).toBe(material.caBundlePem);
    expect(new X509Certificate(renewed.certPem).verify(pemCertificates(material.caBundlePem)[0].publicKey)).toBe(true);
    expect(decideCertificate(renewed, names, late)).toBe('keep');
  });

  it('renews the CA before it expires and keeps the old one in the bundle while it is valid', async () => {
    const then = new Date('2026-01-01T00:00:00Z');
    const material = await renewMaterial(undefined, 'create', names, then);
    const oldCa = pemCertificates(material.caBundlePem)[0];
    const late = new Date(Date.parse(oldCa.validTo) - CA_RENEW_BEFORE_MS + 60_000);
    expect(decideCertificate(material, names, late)).toBe('renew-ca');
    const renewed = await renewMaterial(material, 'renew-ca', names, late);
    const bundle = pemCertificates(renewed.caBundlePem);
    expect(bundle).toHaveLength(2);
    expect(bundle[1].fingerprint256).toBe(oldCa.fingerprint256);
    expect(new X509Certificate(renewed.certPem).verify(bundle[0].publicKey)).toBe(true);
    expect(decideCertificate(renewed, names, late)).toBe('keep');
  });

  it('starts over when the stored certificate was not signed by the stored CA', async () => {
    const a = await renewMaterial(undefined, 'create', names, new Date());
    const b = await renewMaterial(undefined, 'create', names, new Date());
    expect(decideCertificate({ ...a, caBundlePem: b.caBundlePem }, names, new Date())).toBe('create');
  });
});
