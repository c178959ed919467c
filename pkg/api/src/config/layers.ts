import type { ConfigLayer } from '../v1alpha1/common';
import type { ConfigSchema } from '../v1alpha1/deviceclass';
import type { DeviceGroup } from '../v1alpha1/devicegroup';
import {
  ConfigProblemCode,
  isGeneratedKey,
  isNvsKeyName,
  problem,
  validateConfigLayer,
  type ConfigProblem,
  type EffectiveValue,
} from '../validation/index';

/** Kinds that carry a config layer, lowest precedence first. */
export type LayerKind = 'DevicesCluster' | 'DeviceClass' | 'DeviceGroup' | 'Device';

/** One config layer and the object it belongs to. */
export interface NamedLayer {
  kind: LayerKind;
  name: string;
  config?: ConfigLayer;
  /** The DeviceGroup's priority (recorded with the keys it sets). */
  priority?: number;
}

/** The data of a Secret (raw bytes by key), or undefined when the Secret does not exist. */
export type SecretLookup = (name: string) => Readonly<Record<string, Uint8Array>> | undefined;

/** Groups in the order they are layered: ascending priority, equal priorities by name. */
export function orderGroups<T extends Pick<DeviceGroup, 'metadata' | 'spec'>>(groups: readonly T[]): T[] {
  return [...groups].sort((a, b) => {
    const byPriority = (a.spec?.priority ?? 0) - (b.spec?.priority ?? 0);
    if (byPriority !== 0) return byPriority;
    const [x, y] = [a.metadata?.name ?? '', b.metadata?.name ?? ''];
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** Effective values after layering, and what went wrong on the way. */
export interface LayeredConfig {
  values: EffectiveValue[];
  problems: ConfigProblem[];
  /** Referenced Secrets that do not exist or lack a key (for the SecretNotFound reason). */
  missingSecrets: ConfigProblem[];
}

/**
 * Merges layers in the given order (later wins; within a layer, Secret keys win over plain values) and reads
 * the keys of referenced Secrets. Missing Secrets and keys are problems naming the Secret, the key and the
 * layer; so are layer values that break the schema rules `validateConfigLayer` checks.
 */
export function resolveLayers(layers: readonly NamedLayer[], schema: ConfigSchema | undefined, secrets: SecretLookup): LayeredConfig {
  const result = new Map<string, EffectiveValue>();
  const problems: ConfigProblem[] = [];
  const missingSecrets: ConfigProblem[] = [];
  for (const layer of layers) {
    const source = `${layer.kind} ${layer.name}`;
    const origin: EffectiveValue['origin'] = layer.priority === undefined ? { kind: layer.kind, name: layer.name } : { kind: layer.kind, name: layer.name, priority: layer.priority };
    problems.push(...validateConfigLayer(layer.config, schema, source));
    for (const [key, raw] of Object.entries(layer.config?.values ?? {})) {
      if (isNvsKeyName(key) && !isGeneratedKey(key)) result.set(key, { key, raw, source, origin });
    }
    for (const ref of layer.config?.secretRefs ?? []) {
      const data = secrets(ref.name);
      if (!data) {
        missingSecrets.push(problem(ConfigProblemCode.SecretNotFound, `Secret ${ref.name} (referenced by ${source}) does not exist`, { secret: ref.name, source }));
        continue;
      }
      const keys = ref.keys ?? Object.keys(data).sort();
      for (const key of keys) {
        const bytes = data[key];
        if (bytes === undefined) {
          missingSecrets.push(problem(ConfigProblemCode.SecretKeyNotFound, `Secret ${ref.name} (referenced by ${source}) has no key ${key}`, { secret: ref.name, source, name: key }, key));
          continue;
        }
        if (!isNvsKeyName(key)) {
          problems.push(problem(ConfigProblemCode.InvalidKeyName, `Secret ${ref.name} (referenced by ${source}) has key "${key}", which is not an NVS key name; list the keys to use in secretRefs.keys`, { secret: ref.name, source, name: key }, key));
          continue;
        }
        if (isGeneratedKey(key)) {
          if (ref.keys === undefined) {
            problems.push(problem(ConfigProblemCode.GeneratedKeyOverride, `Secret ${ref.name} (referenced by ${source}) has key ${key}, which the operator generates; list the keys to use in secretRefs.keys`, { secret: ref.name, source, name: key }, key));
          }
          continue;
        }
        result.set(key, { key, raw: bytes, source: `Secret ${ref.name} of ${source}`, fromSecret: { name: ref.name, key }, origin });
      }
    }
  }
  return { values: [...result.values()], problems, missingSecrets };
}
