import type { ConfigLayer, ConfigSchema, DeviceGroup } from '../types/resources';
import { GENERATED_KEYS } from '@kubeflash/api';
import { matchesSelector } from './selector';

/** Which layer a value came from, lowest priority first. */
export const CONFIG_SOURCES = ['default', 'cluster', 'class', 'group', 'device', 'generated'] as const;
/** One config source. */
export type ConfigSource = (typeof CONFIG_SOURCES)[number];

const SECRET_GENERATED_KEYS = new Set<string>(['mqtt_pass', 'web_pass']);

/** Shown instead of every value that comes from a Secret. */
export const MASK = '••••••••';

/** One key of a device's effective config. */
export interface EffectiveEntry {
  key: string;
  /** The value, or MASK for secret values, or undefined when only the operator knows it. */
  value: string | undefined;
  secret: boolean;
  source: ConfigSource;
  /** Name of the object (or Secret, for secret values) the value came from. */
  from: string;
  /** Layers further down that set the same key and lost. */
  overrides: { source: ConfigSource; from: string }[];
  required: boolean;
}

/** One input layer. */
export interface NamedLayer {
  source: Exclude<ConfigSource, 'default' | 'generated'>;
  name: string;
  config?: ConfigLayer;
}

/** Secret name -> its data keys, for secretRefs without an explicit key list. */
export type SecretKeys = Record<string, string[] | undefined>;

/** Orders the groups that apply to a device the way the operator layers them: ascending priority, then name. */
export function orderGroups(groups: DeviceGroup[]): DeviceGroup[] {
  return [...groups].sort((a, b) => (a.spec?.priority ?? 0) - (b.spec?.priority ?? 0) || (a.metadata.name || '').localeCompare(b.metadata.name || ''));
}

/**
 * Resolves a device's effective configuration: schema defaults < cluster < class < groups < device,
 * secrets winning over plain values of the same layer, then the generated keys. Secret values are
 * never read: they show as MASK with the Secret's name.
 */
export function resolveEffectiveConfig(schema: ConfigSchema | undefined, layers: NamedLayer[], secretKeys: SecretKeys = {}, deviceName = ''): EffectiveEntry[] {
  const entries = new Map<string, EffectiveEntry>();
  const schemaKeys = new Map((schema?.keys || []).map((k) => [k.name, k]));
  const set = (key: string, value: string | undefined, secret: boolean, source: ConfigSource, from: string) => {
    const previous = entries.get(key);
    const overrides = previous ? [...previous.overrides, { source: previous.source, from: previous.from }] : [];

    entries.set(key, { key, value, secret, source, from, overrides, required: !!schemaKeys.get(key)?.required });
  };

  for (const key of schemaKeys.values()) {
    if (key.default !== undefined) {
      set(key.name, key.secret ? MASK : key.default, !!key.secret, 'default', '');
    }
  }

  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer.config?.values || {})) {
      set(key, value, false, layer.source, layer.name);
    }
    for (const ref of layer.config?.secretRefs || []) {
      for (const key of ref.keys || secretKeys[ref.name] || []) {
        set(key, MASK, true, layer.source, ref.name);
      }
    }
  }

  for (const key of GENERATED_KEYS) {
    const secret = SECRET_GENERATED_KEYS.has(key);

    set(key, key === 'device_id' ? deviceName : secret ? MASK : undefined, secret, 'generated', '');
  }

  const missingRequired = [...schemaKeys.values()].filter((k) => k.required && !entries.has(k.name));

  return [
    ...[...entries.values()].sort((a, b) => a.key.localeCompare(b.key)),
    ...missingRequired.map((k) => ({ key: k.name, value: undefined, secret: !!k.secret, source: 'default' as const, from: '', overrides: [], required: true })),
  ];
}

/** The layers of one device in resolution order: cluster, class, the groups matching its labels, the device. */
export function deviceLayers(input: {
  device: { metadata: { name: string; labels?: Record<string, string> }; spec?: { config?: ConfigLayer } };
  cluster?: { metadata: { name: string }; spec?: { config?: ConfigLayer } };
  deviceClass?: { metadata: { name: string }; spec?: { config?: ConfigLayer } };
  groups?: DeviceGroup[];
}): NamedLayer[] {
  const layers: NamedLayer[] = [];

  if (input.cluster) {
    layers.push({ source: 'cluster', name: input.cluster.metadata.name, config: input.cluster.spec?.config });
  }
  if (input.deviceClass) {
    layers.push({ source: 'class', name: input.deviceClass.metadata.name, config: input.deviceClass.spec?.config });
  }
  for (const g of orderGroups((input.groups || []).filter((g) => matchesSelector(input.device.metadata.labels, g.spec?.selector)))) {
    layers.push({ source: 'group', name: g.metadata.name || '', config: g.spec?.config });
  }
  layers.push({ source: 'device', name: input.device.metadata.name, config: input.device.spec?.config });

  return layers;
}

/** Secret name -> data keys, from Secret objects (values are never read). */
export function secretKeysOf(secrets: { metadata: { name: string }; data?: Record<string, string> }[]): SecretKeys {
  return Object.fromEntries(secrets.map((s) => [s.metadata.name, Object.keys(s.data || {})]));
}
