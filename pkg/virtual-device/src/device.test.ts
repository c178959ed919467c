import { buildNvsImage, generateNvsKeys, buildNvsKeyPartition, type NvsEntry } from '@kubeflash/esp';
import { encryptNvsImage } from '@kubeflash/esp/node';
import { Channel, MessageKind, parseMessage, type Violation } from '@kubeflash/protocol';
import { readVectors, vectorPayloadBytes } from '@kubeflash/protocol/vectors';
import { DeviceConfigError, VirtualDevice, readDeviceConfig } from './index';

const ID = 'garage.sensor-1';
function configEntries(overrides: Record<string, string | Uint8Array | undefined> = {}): NvsEntry[] {
  const values: Record<string, string | Uint8Array | undefined> = {
    device_id: ID,
    mqtt_uri: 'mqtt://127.0.0.1:1883',
    mqtt_user: ID,
    mqtt_pass: 'secret-password-1234',
    mqtt_prefix: `kubeflash/devices/${ID}`,
    web_user: 'admin',
    web_pass: 'web-password',
    wifi_ssid: 'net',
    ...overrides,
  };
  return Object.entries(values)
    .filter((e): e is [string, string | Uint8Array] => e[1] !== undefined)
    .map(([key, value]): NvsEntry => (typeof value === 'string' ? { namespace: 'config', key, type: 'string', value } : { namespace: 'config', key, type: 'blob', value }));
}
const image = (overrides?: Record<string, string | Uint8Array | undefined>): Uint8Array => buildNvsImage(configEntries(overrides), { size: 0x6000 });

describe('readDeviceConfig', () => {
  it('reads the generated keys, the topic prefix and every other key from the config namespace', () => {
    const c = readDeviceConfig(image());
    expect(c).toMatchObject({ deviceId: ID, mqttUri: 'mqtt://127.0.0.1:1883', mqttUser: ID, mqttPass: 'secret-password-1234', mqttPrefix: `kubeflash/devices/${ID}`, topicPrefix: 'kubeflash', webUser: 'admin', webPass: 'web-password' });
    expect(c.values.get('wifi_ssid')?.value).toBe('net');
  });

  it('decrypts an encrypted config with its nvs_keys partition, and says so when the keys are missing', () => {
    const keys = generateNvsKeys();
    const encrypted = encryptNvsImage(image(), keys);
    expect(readDeviceConfig(encrypted, { nvsKeys: buildNvsKeyPartition(keys) }).deviceId).toBe(ID);
    expect(() => readDeviceConfig(encrypted)).toThrow(/damaged or encrypted \(give its nvs_keys\)/);
  });

  it.each([
    ['a missing mqtt_pass', { mqtt_pass: undefined }, 'config key mqtt_pass: is missing from NVS namespace config'],
    ['a topic root of another device', { mqtt_prefix: 'kubeflash/devices/garage.other' }, 'config key mqtt_prefix: must be <topicPrefix>/devices/<device_id>'],
    ['a CA with a plain mqtt:// broker', { mqtt_ca: new TextEncoder().encode('-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n') }, 'config key mqtt_ca: is set but mqtt_uri is not mqtts://'],
    ['a web login without its password', { web_pass: undefined }, 'config key web_pass: web_user and web_pass must be set together'],
    ['a device id that is not <namespace>.<name>', { device_id: 'Garage_1', mqtt_prefix: 'kubeflash/devices/Garage_1' }, 'config key device_id: must be <namespace>.<name>'],
  ])('refuses to boot from %s', (_what, overrides, message) => {
    expect(() => readDeviceConfig(image(overrides))).toThrow(DeviceConfigError);
    expect(() => readDeviceConfig(image(overrides))).toThrow(message);
  });
});

describe('the virtual device against the shared protocol vectors', () => {
  const commands = readVectors().filter((v) => v.channel?.startsWith('cmd/') || (v.verdict === 'invalid' && v.topic.includes('/cmd/')));

  it('has command vectors to run', () => {
    expect(commands.length).toBeGreaterThan(40);
  });

  it.each(commands.map((v) => [v.name, v] as const))('%s', async (_name, v) => {
    // The device is the one the vector's topic names (when the topic names a valid one).
    const id = /\/devices\/([a-z0-9][-a-z0-9]*\.[a-z0-9][-a-z0-9.]*)\/cmd\//.exec(v.topic)?.[1] ?? ID;
    const device = new VirtualDevice({ configBin: image({ device_id: id, mqtt_user: id, mqtt_prefix: `${v.topicPrefix}/devices/${id}` }) });
    const rejected: Violation[] = [];
    device.on('rejected', (violation: Violation) => rejected.push(violation));
    const verdict = await device.handleCommand(v.topic, vectorPayloadBytes(v));
    if (v.verdict === 'valid') {
      expect(verdict).toMatchObject({ ok: true, message: { kind: v.kind } });
      expect(rejected).toEqual([]);
    } else {
      expect(verdict).toMatchObject({ ok: false, violation: { reason: v.reason, ...(v.field !== undefined ? { field: v.field } : {}) } });
      expect(rejected).toHaveLength(1);
    }
  });

  it('refuses the reports devices send when they arrive as commands (wrong direction)', async () => {
    const device = new VirtualDevice({ configBin: image() });
    const verdict = await device.handleCommand(`kubeflash/devices/${ID}/status`, new TextEncoder().encode('{"state":"offline"}'));
    expect(verdict).toMatchObject({ ok: false, violation: { reason: 'wrong-direction' } });
  });

  it('publishes only messages the operator\'s parser accepts: its status and will', () => {
    const device = new VirtualDevice({ configBin: image(), board: { chip: 'esp32c3', mac: '34:85:18:6A:10:01', firmwareVersion: '1.4.0', project: 'c3-sensor' } });
    const status = device.statusMessage();
    const parsed = parseMessage('kubeflash', status.topic, status.payload);
    expect(parsed).toMatchObject({ ok: true, message: { kind: MessageKind.Status, channel: Channel.Status, payload: { fw: '1.4.0', chip: 'esp32c3', mac: '34:85:18:6a:10:01', resetReason: 'poweron', imageState: 'valid' } } });
    expect([status.qos, status.retain]).toEqual([1, true]);
  });
});
