import { buildNvsImage, NvsSizeError, NVS_ENTRIES_PER_PAGE, NVS_PAGE_SIZE, type NvsEntry } from '@kubeflash/esp';
import type { ConfigLayer } from '../v1alpha1/common';
import { UnknownKeysPolicy, type ConfigKey, type ConfigSchema } from '../v1alpha1/deviceclass';
import { ConfigProblemCode, problem, type ConfigProblem } from './problems';
import { isNvsKeyName, parseConfigValue, type RawValue } from './values';

/** Keys the operator adds to every device's config; no layer and no schema may set them. */
export const GENERATED_KEYS = ['device_id', 'mqtt_uri', 'mqtt_user', 'mqtt_pass', 'mqtt_prefix', 'mqtt_ca', 'ota_pubkey', 'web_user', 'web_pass'] as const;
/** One generated key. */
export type GeneratedKey = (typeof GENERATED_KEYS)[number];
/** Generated keys whose values are secret (the UI masks them; they never appear in status or messages). */
export const SECRET_GENERATED_KEYS: ReadonlySet<string> = new Set<GeneratedKey>(['mqtt_pass', 'web_pass']);
/** NVS namespace of the config keys when the schema names none. */
export const DEFAULT_CONFIG_NAMESPACE = 'config';

const GENERATED = new Set<string>(GENERATED_KEYS);

/** True if the operator generates `key`. */
export function isGeneratedKey(key: string): key is GeneratedKey {
  return GENERATED.has(key);
}

/** Problems of a class's configSchema on its own (names, defaults, min/max, generated names). */
export function validateConfigSchema(schema: ConfigSchema | undefined): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  for (const key of schema?.keys ?? []) {
    if (!isNvsKeyName(key.name)) {
      problems.push(problem(ConfigProblemCode.InvalidKeyName, `configSchema key "${key.name}" is not an NVS key name (1-15 characters of A-Z, a-z, 0-9, _)`, { name: key.name }, key.name));
      continue;
    }
    if (seen.has(key.name)) problems.push(problem(ConfigProblemCode.SchemaInvalid, `configSchema declares key ${key.name} twice`, { name: key.name }, key.name));
    seen.add(key.name);
    if (isGeneratedKey(key.name)) {
      problems.push(problem(ConfigProblemCode.GeneratedKeyOverride, `configSchema declares key ${key.name}, which the operator generates`, { name: key.name }, key.name));
    }
    if (key.min !== undefined && key.max !== undefined && key.min > key.max) {
      problems.push(problem(ConfigProblemCode.SchemaInvalid, `configSchema key ${key.name}: min ${key.min} is above max ${key.max}`, { name: key.name }, key.name));
    }
    if (key.default !== undefined) {
      const parsed = parseConfigValue(key, key.default, 'its default');
      if (!parsed.ok) problems.push(problem(ConfigProblemCode.SchemaInvalid, `configSchema: ${parsed.problem.message}`, parsed.problem.args, key.name));
    }
  }
  return problems;
}

/**
 * Problems of one config layer against the class schema that need no Secret contents: key names, keys the
 * operator generates, keys marked `secret` given as plain values, plain values that do not fit their type.
 * `source` names the layer in messages (e.g. "DeviceGroup site-garage").
 */
export function validateConfigLayer(layer: ConfigLayer | undefined, schema: ConfigSchema | undefined, source: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const keys = new Map((schema?.keys ?? []).map((k) => [k.name, k]));
  for (const [name, value] of Object.entries(layer?.values ?? {})) {
    if (!isNvsKeyName(name)) {
      problems.push(problem(ConfigProblemCode.InvalidKeyName, `${source} sets "${name}", which is not an NVS key name (1-15 characters of A-Z, a-z, 0-9, _)`, { name, source }, name));
      continue;
    }
    if (isGeneratedKey(name)) {
      problems.push(problem(ConfigProblemCode.GeneratedKeyOverride, `${source} sets ${name}, which the operator generates; remove it`, { name, source }, name));
      continue;
    }
    const key = keys.get(name);
    if (key?.secret) {
      problems.push(problem(ConfigProblemCode.SecretInPlainValues, `${source} sets secret key ${name} in plain values; take it from a Secret with secretRefs`, { name, source }, name));
      continue;
    }
    if (key) {
      const parsed = parseConfigValue(key, value, source);
      if (!parsed.ok) problems.push(parsed.problem);
    }
  }
  for (const ref of layer?.secretRefs ?? []) {
    for (const name of ref.keys ?? []) {
      if (isGeneratedKey(name)) {
        problems.push(problem(ConfigProblemCode.GeneratedKeyOverride, `${source} takes ${name} from Secret ${ref.name}, but the operator generates it; remove it`, { name, source, secret: ref.name }, name));
      }
    }
  }
  return problems;
}

/** The winning value of one key after layering. */
export interface EffectiveValue {
  key: string;
  raw: RawValue;
  /** The layer it came from, e.g. "Device garage-temp-1" or "Secret site-garage-wifi (DeviceGroup site-garage)". */
  source: string;
  /** Set when the value came from a Secret (its contents never appear in messages). */
  fromSecret?: { name: string; key: string };
  /** The layer object that set the value (or whose secretRefs named the Secret). */
  origin?: { kind: 'DevicesCluster' | 'DeviceClass' | 'DeviceGroup' | 'Device'; name: string; priority?: number };
}

/** A typed config: entries in image order (generated keys, then schema order, then undeclared keys by name). */
export interface CheckedConfig {
  namespace: string;
  entries: NvsEntry[];
  problems: ConfigProblem[];
}

function toEntry(namespace: string, key: string, typed: ReturnType<typeof parseConfigValue> & { ok: true }): NvsEntry {
  const v = typed.value;
  if (v.type === 'string') return { namespace, key, type: 'string', value: v.value };
  if (v.type === 'blob') return { namespace, key, type: 'blob', value: v.value };
  return { namespace, key, type: v.type, value: v.value };
}

/**
 * Types and checks the effective values of a device against the class schema: defaults apply, required keys
 * must be present, undeclared keys are rejected or passed as strings (schema.unknownKeys), every value must fit
 * its key. `generated` values (device_id, mqtt_*, web_*, ota_pubkey) are written first: text as strings, bytes as blobs.
 */
export function checkEffectiveConfig(
  schema: ConfigSchema | undefined,
  values: readonly EffectiveValue[],
  generated: Partial<Record<GeneratedKey, string | Uint8Array>>,
): CheckedConfig {
  const namespace = schema?.namespace ?? DEFAULT_CONFIG_NAMESPACE;
  const problems: ConfigProblem[] = [];
  const entries: NvsEntry[] = [];
  for (const name of GENERATED_KEYS) {
    const value = generated[name];
    if (typeof value === 'string') entries.push({ namespace, key: name, type: 'string', value });
    else if (value !== undefined) entries.push({ namespace, key: name, type: 'blob', value });
  }
  const byKey = new Map(values.map((v) => [v.key, v]));
  const declared: ConfigKey[] = schema?.keys ?? [];
  for (const key of declared) {
    const value = byKey.get(key.name);
    if (!value) {
      if (key.default !== undefined) {
        const parsed = parseConfigValue(key, key.default, 'its default');
        if (parsed.ok) entries.push(toEntry(namespace, key.name, parsed));
        else problems.push(parsed.problem);
      } else if (key.required) {
        problems.push(problem(ConfigProblemCode.MissingRequired, `required key ${key.name} is not set by any layer`, { name: key.name }, key.name));
      }
      continue;
    }
    const parsed = parseConfigValue(key, value.raw, value.source);
    if (parsed.ok) entries.push(toEntry(namespace, key.name, parsed));
    else problems.push(parsed.problem);
  }
  const declaredNames = new Set(declared.map((k) => k.name));
  const unknown = values.filter((v) => !declaredNames.has(v.key) && !isGeneratedKey(v.key)).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  if ((schema?.unknownKeys ?? UnknownKeysPolicy.Reject) === UnknownKeysPolicy.Reject) {
    for (const v of unknown) {
      problems.push(problem(ConfigProblemCode.UnknownKey, `key ${v.key} (from ${v.source}) is not declared in the class's configSchema, which rejects unknown keys`, { name: v.key, source: v.source }, v.key));
    }
  } else {
    for (const v of unknown) {
      const parsed = parseConfigValue({ name: v.key, type: 'string' }, v.raw, v.source);
      if (parsed.ok) entries.push(toEntry(namespace, v.key, parsed));
      else problems.push(parsed.problem);
    }
  }
  return { namespace, entries, problems };
}

/** Bytes of an NVS image in use: used entries (32 bytes each) plus the 64-byte header and bitmap of each page holding any. */
export function nvsBytesUsed(image: Uint8Array): number {
  let used = 0;
  for (let base = 0; base + NVS_PAGE_SIZE <= image.length; base += NVS_PAGE_SIZE) {
    let entries = 0;
    for (let i = 0; i < NVS_ENTRIES_PER_PAGE; i++) {
      if (((image[base + 32 + (i >> 2)] >> ((i & 3) * 2)) & 3) !== 3) entries++;
    }
    if (entries > 0) used += 64 + entries * 32;
  }
  return used;
}

/** Result of placing entries into a partition. */
export type FitResult = { ok: true; image: Uint8Array; bytesUsed: number } | { ok: false; problem: ConfigProblem };

/** Builds the plain image to check the entries fit `partitionSize`; the problem says how many bytes are missing. */
export function checkConfigFits(entries: readonly NvsEntry[], partitionSize: number): FitResult {
  try {
    const image = buildNvsImage(entries, { size: partitionSize });
    return { ok: true, image, bytesUsed: nvsBytesUsed(image) };
  } catch (err) {
    if (!(err instanceof NvsSizeError)) throw err;
    const over = err.neededBytes - err.availableBytes;
    return {
      ok: false,
      problem: problem(
        ConfigProblemCode.TooLarge,
        `the config needs ${err.neededBytes} bytes of NVS (${entries.length} keys, including the spare page) but the config partition has ${err.availableBytes}: ${over} bytes over`,
        { needed: err.neededBytes, available: err.availableBytes, over },
      ),
    };
  }
}
