import type { NvsEntry } from '@kubeflash/esp';
import { ConfigKeyLayer, type RenderedConfigKey } from '../v1alpha1/device';
import type { ConfigSchema } from '../v1alpha1/deviceclass';
import { isGeneratedKey, SECRET_GENERATED_KEYS, type EffectiveValue } from '../validation/index';

const LAYER_OF_KIND = {
  DevicesCluster: ConfigKeyLayer.Cluster,
  DeviceClass: ConfigKeyLayer.Class,
  DeviceGroup: ConfigKeyLayer.Group,
  Device: ConfigKeyLayer.Device,
} as const;

/** Name of the object that computes the generated keys, as `status.config.keys[].source` shows it. */
export const GENERATED_KEY_SOURCE = 'operator';

/**
 * What a rendered config is made of, key by key and in image order: the layer and the object that set each
 * value (for group values their priority; for Secret values the Secret and the layer that named it), and
 * whether the value is secret. Never a value: this record goes into Device status for the UI to show.
 */
export function recordConfigKeys(
  entries: readonly NvsEntry[],
  values: readonly EffectiveValue[],
  schema: ConfigSchema | undefined,
  className: string,
): RenderedConfigKey[] {
  const byKey = new Map(values.map((v) => [v.key, v]));
  const declared = new Map((schema?.keys ?? []).map((k) => [k.name, k]));
  return entries.map((entry): RenderedConfigKey => {
    const base = { key: entry.key, type: entry.type };
    if (isGeneratedKey(entry.key)) {
      return { ...base, layer: ConfigKeyLayer.Generated, source: GENERATED_KEY_SOURCE, ...(SECRET_GENERATED_KEYS.has(entry.key) ? { secret: true } : {}) };
    }
    const value = byKey.get(entry.key);
    const secretKey = declared.get(entry.key)?.secret === true;
    if (!value?.origin) {
      return { ...base, layer: ConfigKeyLayer.Default, source: className, ...(secretKey ? { secret: true } : {}) };
    }
    const { kind, name, priority } = value.origin;
    const withPriority = priority === undefined ? {} : { priority };
    if (value.fromSecret) {
      return { ...base, layer: ConfigKeyLayer.SecretRef, source: value.fromSecret.name, referencedBy: `${kind}/${name}`, ...withPriority, secret: true };
    }
    return { ...base, layer: LAYER_OF_KIND[kind], source: name, ...withPriority, ...(secretKey ? { secret: true } : {}) };
  });
}
