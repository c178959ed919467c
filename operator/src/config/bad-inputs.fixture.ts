/**
 * Invalid configurations of the example fleet, each with the ConfigReady reason and message the operator must
 * report. Shared by the unit tests (renderDeviceConfig) and the integration suite (the operator on a cluster).
 * Every mutation keeps the objects valid for the CRDs, so they can be applied.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { DeviceReason } from '@kubeflash/api';

type Obj = KubernetesObject & { spec?: Record<string, unknown>; stringData?: Record<string, string>; data?: Record<string, string> };

/** One invalid configuration. */
export interface BadInputCase {
  sentence: string;
  /** Name of the Device whose ConfigReady must turn False. */
  device: string;
  reason: DeviceReason;
  message: string;
  /** Changes the (JSON-cloned) example objects in place. */
  mutate(objects: Obj[]): void;
}

function get(objects: Obj[], kind: string, name: string): Obj {
  const found = objects.find((o) => o.kind === kind && o.metadata?.name === name);
  if (!found) throw new Error(`fixture: no ${kind} ${name}`);
  return found;
}
type Layer = { values?: Record<string, string>; secretRefs?: { name: string; keys?: string[] }[] };
const layerOf = (o: Obj): Layer => ((o.spec as { config?: Layer }).config ??= {});
const deviceValues = (objects: Obj[], name = 'garage-temp-1'): Record<string, string> => (layerOf(get(objects, 'Device', name)).values ??= {});

/** The table: at least 15 distinct invalid configurations. */
export const BAD_INPUT_CASES: BadInputCase[] = [
  {
    sentence: 'a device naming a DeviceClass that does not exist',
    device: 'garage-temp-1',
    reason: DeviceReason.DeviceClassNotFound,
    message: 'DeviceClass no-such-class does not exist in namespace kubeflash-demo',
    mutate: (o) => void ((get(o, 'Device', 'garage-temp-1').spec as { deviceClassRef: { name: string } }).deviceClassRef.name = 'no-such-class'),
  },
  {
    sentence: 'a device naming a DevicesCluster that does not exist',
    device: 'garage-temp-1',
    reason: DeviceReason.DevicesClusterNotFound,
    message: 'DevicesCluster no-such-site does not exist in namespace kubeflash-demo',
    mutate: (o) => void ((get(o, 'Device', 'garage-temp-1').spec as { devicesClusterRef: { name: string } }).devicesClusterRef.name = 'no-such-site'),
  },
  {
    sentence: 'a group referencing a Secret that does not exist',
    device: 'garage-temp-1',
    reason: DeviceReason.SecretNotFound,
    message: 'Secret missing-wifi (referenced by DeviceGroup site-garage) does not exist',
    mutate: (o) => void (layerOf(get(o, 'DeviceGroup', 'site-garage')).secretRefs = [{ name: 'missing-wifi' }]),
  },
  {
    sentence: 'a group taking a key its Secret does not have',
    device: 'garage-temp-1',
    reason: DeviceReason.SecretNotFound,
    message: 'Secret site-garage-wifi (referenced by DeviceGroup site-garage) has no key wifi_user',
    mutate: (o) => void (layerOf(get(o, 'DeviceGroup', 'site-garage')).secretRefs = [{ name: 'site-garage-wifi', keys: ['wifi_ssid', 'wifi_pass', 'wifi_user'] }]),
  },
  {
    sentence: 'an integer above the key maximum',
    device: 'garage-temp-1',
    reason: DeviceReason.ConfigInvalid,
    message: 'key sample_period (from Device garage-temp-1) is 4000, outside 5..3600',
    mutate: (o) => void (deviceValues(o).sample_period = '4000'),
  },
  {
    sentence: 'an integer key given text',
    device: 'garage-temp-1',
    reason: DeviceReason.ConfigInvalid,
    message: 'key sample_period (from Device garage-temp-1) is a u16 and must be a decimal integer',
    mutate: (o) => void (deviceValues(o).sample_period = 'soon'),
  },
  {
    sentence: 'a negative value for an unsigned key',
    device: 'garage-temp-1',
    reason: DeviceReason.ConfigInvalid,
    message: 'key sensor_addr (from Device garage-temp-1) is -1, outside 0..255',
    mutate: (o) => void (deviceValues(o).sensor_addr = '-1'),
  },
  {
    sentence: 'a bool that is neither true nor false',
    device: 'garage-temp-1',
    reason: DeviceReason.ConfigInvalid,
    message: 'key led_enabled (from Device garage-temp-1) is a bool and must be true or false',
    mutate: (o) => void (deviceValues(o).led_enabled = 'yes'),
  },
  {
    sentence: 'a string longer than the key maxLength',
    device: 'garage-temp-1',
    reason: DeviceReason.ConfigInvalid,
    message: 'key wifi_ssid (from Device garage-temp-1) is 40 bytes long; at most 32 allowed',
    mutate: (o) => void (deviceValues(o).wifi_ssid = 'x'.repeat(40)),
  },
  {
    sentence: 'a key the schema does not declare while it rejects unknown keys',
    device: 'garage-temp-1',
    reason: DeviceReason.ConfigInvalid,
    message: "key colour (from Device garage-temp-1) is not declared in the class's configSchema, which rejects unknown keys",
    mutate: (o) => void (deviceValues(o).colour = 'red'),
  },
  {
    sentence: 'a secret key given as a plain value',
    device: 'garage-temp-1',
    reason: DeviceReason.ConfigInvalid,
    message: 'Device garage-temp-1 sets secret key wifi_pass in plain values; take it from a Secret with secretRefs',
    mutate: (o) => void (deviceValues(o).wifi_pass = 'visible-to-everyone'),
  },
  {
    sentence: 'a group overriding a generated key',
    device: 'garage-temp-1',
    reason: DeviceReason.ConfigInvalid,
    message: 'DeviceGroup site-garage sets mqtt_uri, which the operator generates; remove it',
    mutate: (o) => void ((layerOf(get(o, 'DeviceGroup', 'site-garage')).values ??= {}).mqtt_uri = 'mqtt://elsewhere:1883'),
  },
  {
    sentence: 'a Secret taken whole that carries a generated key',
    device: 'garage-temp-1',
    reason: DeviceReason.ConfigInvalid,
    message: 'Secret site-garage-wifi (referenced by DeviceGroup site-garage) has key device_id, which the operator generates; list the keys to use in secretRefs.keys',
    mutate: (o) => {
      (get(o, 'Secret', 'site-garage-wifi').stringData ??= {}).device_id = 'spoofed';
      layerOf(get(o, 'DeviceGroup', 'site-garage')).secretRefs = [{ name: 'site-garage-wifi' }];
    },
  },
  {
    sentence: 'required keys that no layer sets',
    device: 'garage-temp-1',
    reason: DeviceReason.ConfigInvalid,
    message: 'required key wifi_ssid is not set by any layer; required key wifi_pass is not set by any layer',
    mutate: (o) => void delete layerOf(get(o, 'DeviceGroup', 'site-garage')).secretRefs,
  },
  {
    sentence: 'a value whose key is not an NVS key name',
    device: 'garage-temp-1',
    reason: DeviceReason.ConfigInvalid,
    message: 'Device garage-temp-1 sets "sample-period", which is not an NVS key name (1-15 characters of A-Z, a-z, 0-9, _)',
    mutate: (o) => void (deviceValues(o)['sample-period'] = '10'),
  },
  {
    sentence: 'a Secret value that is not UTF-8 for a string key',
    device: 'garage-temp-1',
    reason: DeviceReason.ConfigInvalid,
    message: 'key wifi_ssid (from Secret site-garage-wifi of DeviceGroup site-garage) is not valid UTF-8 text',
    mutate: (o) => {
      const s = get(o, 'Secret', 'site-garage-wifi');
      delete s.stringData?.wifi_ssid;
      s.data = { wifi_ssid: Buffer.from([0xff, 0xfe]).toString('base64') };
    },
  },
  {
    sentence: 'a string with a line starting with # (not representable in the CSV form)',
    device: 'garage-temp-1',
    reason: DeviceReason.ConfigInvalid,
    message: 'key tz (from Device garage-temp-1) contains a carriage return or a line starting with #, which the NVS CSV form cannot carry',
    mutate: (o) => void (deviceValues(o).tz = 'UTC0\n#comment'),
  },
  {
    sentence: 'entries that do not fit the config partition',
    device: 'garage-temp-1',
    reason: DeviceReason.ConfigTooLarge,
    message: 'the config needs 20480 bytes of NVS (19 keys, including the spare page) but the config partition has 12288: 8192 bytes over',
    mutate: (o) => {
      const cls = get(o, 'DeviceClass', 'c3-sensor').spec as { partitions: { config: { size: number } }; configSchema: { unknownKeys: string } };
      cls.partitions.config.size = 0x3000;
      cls.configSchema.unknownKeys = 'PassAsString';
      Object.assign(deviceValues(o), { note_a: 'a'.repeat(3000), note_b: 'b'.repeat(3000), note_c: 'c'.repeat(3000) });
    },
  },
];
