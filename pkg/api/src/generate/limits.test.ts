import { validatorFor, type KindValidator } from './validate';
import { KIND_DEFINITIONS, API_VERSION } from '../v1alpha1/index';

type Kind = 'DevicesCluster' | 'DeviceClass' | 'DeviceGroup' | 'Device' | 'Firmware' | 'Rollout';

/** The smallest valid spec of each kind. */
const MINIMAL_SPEC: Record<Kind, Record<string, unknown>> = {
  DevicesCluster: { mqtt: { brokerUri: 'mqtt://broker.example.net:1883' } },
  DeviceClass: { chip: 'esp32c3' },
  DeviceGroup: { selector: {} },
  Device: { deviceClassRef: { name: 'c3-sensor' }, devicesClusterRef: { name: 'home' } },
  Firmware: { deviceClassRef: { name: 'c3-sensor' }, version: '1.4.0', source: { upload: {} } },
  Rollout: { firmwareRef: { name: 'c3-sensor-1.4.0' } },
};

const validators = new Map(KIND_DEFINITIONS.map((d) => [d.names.kind as Kind, validatorFor(d)]));
const validator = (kind: Kind): KindValidator => validators.get(kind) as KindValidator;

function object(kind: Kind, spec: Record<string, unknown>, status?: Record<string, unknown>) {
  return {
    apiVersion: API_VERSION,
    kind,
    metadata: { name: 'sample', namespace: 'kubeflash-demo' },
    spec: { ...MINIMAL_SPEC[kind], ...spec },
    ...(status ? { status } : {}),
  };
}

const key = (fields: Record<string, unknown>) => ({ configSchema: { keys: [{ name: 'k', type: 'u16', ...fields }] } });
const condition = (fields: Record<string, unknown>) => ({
  conditions: [
    { type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z', reason: 'Reconciled', message: '', ...fields },
  ],
});

describe('minimal objects', () => {
  it.each(Object.keys(MINIMAL_SPEC) as Kind[])('%s is accepted', (kind) => {
    expect(validator(kind)(object(kind, {}))).toEqual([]);
  });
});

/** [sentence, kind, spec fields, status, path the violation must name, text the message must contain] */
type RejectCase = [string, Kind, Record<string, unknown>, Record<string, unknown> | undefined, string, string?];

const rejected: RejectCase[] = [
  ['a 16-character NVS key name', 'DeviceClass', key({ name: 'sixteen_chars_xx' }), undefined, 'spec.configSchema.keys[0].name'],
  ['a key name with a dash', 'DeviceClass', key({ name: 'wifi-pass' }), undefined, 'spec.configSchema.keys[0].name'],
  ['a 16-character NVS namespace', 'DeviceClass', { configSchema: { namespace: 'a_very_long_name' } }, undefined, 'spec.configSchema.namespace'],
  [
    'a 16-character key in secretRefs',
    'Device',
    { config: { secretRefs: [{ name: 'wifi', keys: ['sixteen_chars_xx'] }] } },
    undefined,
    'spec.config.secretRefs[0].keys[0]',
  ],
  ['a chip that is no ESP32 target', 'DeviceClass', { chip: 'esp8266' }, undefined, 'spec.chip'],
  ['an unknown key type', 'DeviceClass', key({ type: 'float' }), undefined, 'spec.configSchema.keys[0].type'],
  ['a wave of 101%', 'Rollout', { strategy: { waves: [50, 101] } }, undefined, 'spec.strategy.waves[1]'],
  ['a wave of 0%', 'Rollout', { strategy: { waves: [0, 100] } }, undefined, 'spec.strategy.waves[0]'],
  ['waves that go down', 'Rollout', { strategy: { waves: [50, 25, 100] } }, undefined, 'spec.strategy.waves', 'strictly ascending'],
  ['a repeated wave', 'Rollout', { strategy: { waves: [10, 10, 100] } }, undefined, 'spec.strategy.waves', 'strictly ascending'],
  ['a decrease in the last of ten waves', 'Rollout', { strategy: { waves: [1, 2, 3, 4, 5, 6, 7, 8, 9, 8] } }, undefined, 'spec.strategy.waves', 'strictly ascending'],
  ['eleven waves', 'Rollout', { strategy: { waves: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100] } }, undefined, 'spec.strategy.waves'],
  ['no waves at all', 'Rollout', { strategy: { waves: [] } }, undefined, 'spec.strategy.waves'],
  ['a failurePercent of 101', 'Rollout', { strategy: { abort: { failurePercent: 101 } } }, undefined, 'spec.strategy.abort.failurePercent'],
  ['a maxConcurrent of 0', 'Rollout', { strategy: { maxConcurrent: 0 } }, undefined, 'spec.strategy.maxConcurrent'],
  ['a maxConcurrent of 150%', 'Rollout', { strategy: { maxConcurrent: '150%' } }, undefined, 'spec.strategy.maxConcurrent'],
  ['a maxConcurrent that is neither count nor percentage', 'Rollout', { strategy: { maxConcurrent: 'ten' } }, undefined, 'spec.strategy.maxConcurrent'],
  ['a per-device timeout under a minute', 'Rollout', { strategy: { deviceTimeoutSeconds: 30 } }, undefined, 'spec.strategy.deviceTimeoutSeconds'],
  ['a MAC address with dashes', 'Device', { macAddress: '34-85-18-6a-10-01' }, undefined, 'spec.macAddress'],
  ['a MAC address with five octets', 'Device', { macAddress: '34:85:18:6a:10' }, undefined, 'spec.macAddress'],
  ['a MAC address with a non-hex digit', 'Device', { macAddress: '34:85:18:6g:10:01' }, undefined, 'spec.macAddress'],
  ['a device without a cluster', 'Device', { devicesClusterRef: undefined }, undefined, 'spec.devicesClusterRef', 'Required value'],
  ['an uppercase name in a reference', 'Device', { deviceClassRef: { name: 'C3-Sensor' } }, undefined, 'spec.deviceClassRef.name'],
  ['a config value over 16 KiB', 'Device', { config: { values: { cert: 'x'.repeat(16385) } } }, undefined, 'spec.config.values.cert'],
  ['a Secret name with an underscore', 'DeviceGroup', { config: { secretRefs: [{ name: 'wifi_home' }] } }, undefined, 'spec.config.secretRefs[0].name'],
  ['a partition size that is not a multiple of 4096', 'DeviceClass', { partitions: { config: { size: 0x6100 } } }, undefined, 'spec.partitions.config.size', 'multiple of 4096'],
  ['a partition smaller than 0x3000', 'DeviceClass', { partitions: { config: { size: 0x2000 } } }, undefined, 'spec.partitions.config.size'],
  ['a partition label of 17 characters', 'DeviceClass', { partitions: { config: { label: 'config_partition1' } } }, undefined, 'spec.partitions.config.label'],
  ['min on a string key', 'DeviceClass', key({ type: 'string', min: 1 }), undefined, 'spec.configSchema.keys[0]', 'integer types'],
  ['min above max', 'DeviceClass', key({ min: 10, max: 5 }), undefined, 'spec.configSchema.keys[0]', 'min must not exceed max'],
  ['a max of 300 on a u8 key', 'DeviceClass', key({ type: 'u8', max: 300 }), undefined, 'spec.configSchema.keys[0]', 'max is outside the range'],
  ['a min of -1 on a u32 key', 'DeviceClass', key({ type: 'u32', min: -1 }), undefined, 'spec.configSchema.keys[0]', 'min is outside the range'],
  ['a min of -129 on an i8 key', 'DeviceClass', key({ type: 'i8', min: -129 }), undefined, 'spec.configSchema.keys[0]', 'min is outside the range'],
  ['a default of 300 on a u8 key', 'DeviceClass', key({ type: 'u8', default: '300' }), undefined, 'spec.configSchema.keys[0]', 'default is outside'],
  ['a default below min', 'DeviceClass', key({ default: '3', min: 5 }), undefined, 'spec.configSchema.keys[0]', 'default is outside'],
  ['a default above max', 'DeviceClass', key({ type: 'i16', default: '-3', max: -5 }), undefined, 'spec.configSchema.keys[0]', 'default is outside'],
  ['maxLength on an integer key', 'DeviceClass', key({ maxLength: 4 }), undefined, 'spec.configSchema.keys[0]', 'string and blob'],
  ['a word as default of a u16 key', 'DeviceClass', key({ default: 'sixty' }), undefined, 'spec.configSchema.keys[0]', 'decimal integer'],
  ['a negative default of an unsigned key', 'DeviceClass', key({ default: '-1' }), undefined, 'spec.configSchema.keys[0]', 'non-negative'],
  ['yes as default of a bool key', 'DeviceClass', key({ type: 'bool', default: 'yes' }), undefined, 'spec.configSchema.keys[0]', 'true or false'],
  ['a required key with a default', 'DeviceClass', key({ required: true, default: '1' }), undefined, 'spec.configSchema.keys[0]', 'never missing'],
  ['a secret key with a default', 'DeviceClass', key({ type: 'string', secret: true, default: 'x' }), undefined, 'spec.configSchema.keys[0]', 'secret key'],
  ['an unknown-keys policy that does not exist', 'DeviceClass', { configSchema: { unknownKeys: 'Ignore' } }, undefined, 'spec.configSchema.unknownKeys'],
  ['an encryption mode that does not exist', 'DeviceClass', { encryption: 'aes' }, undefined, 'spec.encryption'],
  ['a firmware version of 32 characters', 'Firmware', { version: '1.0.0-' + 'a'.repeat(26) }, undefined, 'spec.version'],
  ['a firmware source with both git and upload', 'Firmware', { source: { git: { url: 'https://example.net/fw.git' }, upload: {} } }, undefined, 'spec.source', 'exactly one'],
  ['a firmware source with neither git nor upload', 'Firmware', { source: {} }, undefined, 'spec.source', 'exactly one'],
  ['a git path that climbs out of the repository', 'Firmware', { source: { git: { url: 'https://example.net/fw.git', path: '../x' } } }, undefined, 'spec.source.git.path'],
  ['a git URL without a scheme', 'Firmware', { source: { git: { url: 'example.net/fw.git' } } }, undefined, 'spec.source.git.url'],
  ['an http:// broker URI', 'DevicesCluster', { mqtt: { brokerUri: 'http://broker:1883' } }, undefined, 'spec.mqtt.brokerUri'],
  ['a topic prefix with a wildcard', 'DevicesCluster', { mqtt: { brokerUri: 'mqtt://b', topicPrefix: 'home/#' } }, undefined, 'spec.mqtt.topicPrefix'],
  ['mosquitto-dynsec without an admin Secret', 'DevicesCluster', { mqtt: { brokerUri: 'mqtt://b', accountManagement: 'mosquitto-dynsec' } }, undefined, 'spec.mqtt', 'adminSecretRef is required'],
  ['an artifacts URL with a trailing slash', 'DevicesCluster', { artifacts: { publicBaseUrl: 'https://a.example.net/x/' } }, undefined, 'spec.artifacts.publicBaseUrl'],
  ['a priority above 1000', 'DeviceGroup', { priority: 1001 }, undefined, 'spec.priority'],
  ['an unknown selector operator', 'DeviceGroup', { selector: { matchExpressions: [{ key: 'a', operator: 'Like' }] } }, undefined, 'spec.selector.matchExpressions[0].operator'],
  ['In without values', 'DeviceGroup', { selector: { matchExpressions: [{ key: 'a', operator: 'In' }] } }, undefined, 'spec.selector.matchExpressions[0]', 'need values'],
  ['Exists with values', 'Rollout', { selector: { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] } }, undefined, 'spec.selector.matchExpressions[0]', 'take none'],
  ['a label value with a space', 'DeviceGroup', { selector: { matchLabels: { site: 'the garage' } } }, undefined, 'spec.selector.matchLabels.site'],
  ['a selector key with two slashes', 'DeviceGroup', { selector: { matchExpressions: [{ key: 'a/b/c', operator: 'Exists' }] } }, undefined, 'spec.selector.matchExpressions[0].key'],
  ['a condition status of Yes', 'Device', {}, condition({ status: 'Yes' }), 'status.conditions[0].status'],
  ['a condition reason with a space', 'Device', {}, condition({ reason: 'Not ready' }), 'status.conditions[0].reason'],
  ['a condition without lastTransitionTime', 'Device', {}, condition({ lastTransitionTime: undefined }), 'status.conditions[0].lastTransitionTime', 'Required value'],
  ['a condition time that is no date-time', 'Device', {}, condition({ lastTransitionTime: 'yesterday' }), 'status.conditions[0].lastTransitionTime'],
  ['an OTA progress of 120%', 'Device', {}, { ota: { progress: 120 } }, 'status.ota.progress'],
  ['a Firmware phase that does not exist', 'Firmware', {}, { phase: 'Done' }, 'status.phase'],
  ['an artifact digest in uppercase hex', 'Firmware', {}, { artifacts: [{ name: 'app', offset: 65536, size: 1, sha256: 'A'.repeat(64) }] }, 'status.artifacts[0].sha256'],
];

describe('limits', () => {
  // Rest parameters: jest would take a trailing missing argument for a done callback.
  it.each(rejected)('reject %s', (...[, kind, spec, status, path, text]: RejectCase) => {
    const violations = validator(kind)(JSON.parse(JSON.stringify(object(kind, spec, status))));
    expect(violations.length).toBeGreaterThan(0);
    expect(violations.map((v) => v.path)).toContain(path);
    if (text) expect(violations.map((v) => v.message).join('\n')).toContain(text);
  });

  type AcceptCase = [string, Kind, Record<string, unknown>, Record<string, unknown>?];
  const accepted: AcceptCase[] = [
    ['a 15-character NVS key name', 'DeviceClass', key({ name: 'fifteen_chars_x' })],
    ['an uppercase MAC address', 'Device', { macAddress: 'F4:12:FA:3C:20:01' }],
    ['waves of 1, 2 and 100 percent', 'Rollout', { strategy: { waves: [1, 2, 100] } }],
    ['ten ascending waves', 'Rollout', { strategy: { waves: [1, 2, 3, 4, 5, 6, 7, 8, 9, 100] } }],
    ['a maxConcurrent of 5%', 'Rollout', { strategy: { maxConcurrent: '5%' } }],
    ['a maxConcurrent of 3', 'Rollout', { strategy: { maxConcurrent: 3 } }],
    ['a failurePercent of 100 (never abort)', 'Rollout', { strategy: { abort: { failurePercent: 100, minFinished: 1 } } }],
    ['a partition of 0x10000', 'DeviceClass', { partitions: { config: { size: 0x10000 } } }],
    ['a negative default of a signed key with bounds', 'DeviceClass', key({ type: 'i16', default: '-5', min: -10, max: 10 })],
    ['the full ranges of i32 and u32', 'DeviceClass', { configSchema: { keys: [{ name: 'a', type: 'i32', min: -2147483648, max: 2147483647, default: '-2147483648' }, { name: 'b', type: 'u32', min: 0, max: 4294967295, default: '4294967295' }] } }],
    ['a u64 default beyond int64', 'DeviceClass', key({ type: 'u64', default: '18446744073709551615' })],
    ['a default inside min..max', 'DeviceClass', key({ default: '60', min: 5, max: 3600 })],
    ['a bool key defaulting to false', 'DeviceClass', key({ type: 'bool', default: 'false' })],
    ['mosquitto-dynsec with an admin Secret', 'DevicesCluster', { mqtt: { brokerUri: 'mqtts://[fd00::1]:8883', accountManagement: 'mosquitto-dynsec', adminSecretRef: { name: 'admin' } } }],
    ['a git source with a tag and a subfolder', 'Firmware', { source: { git: { url: 'git@example.net:iot/fw.git', ref: 'v1.4.0', path: 'firmware/app' } } }],
    ['a selector with prefixed keys and every operator', 'DeviceGroup', { selector: { matchLabels: { 'kubeflash.dev/site': 'garage' }, matchExpressions: [{ key: 'kubeflash.dev/role', operator: 'In', values: ['sensor', 'display'] }, { key: 'retired', operator: 'DoesNotExist' }] } }],
    ['a condition with a namespaced type and an empty message', 'Device', {}, condition({ type: 'kubeflash.dev/Custom', reason: 'A_b:c' })],
  ];
  it.each(accepted)('accept %s', (...[, kind, spec, status]: AcceptCase) => {
    expect(validator(kind)(object(kind, spec, status))).toEqual([]);
  });
});
