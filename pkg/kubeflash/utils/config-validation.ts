import type { ConfigKey, ConfigLayer, ConfigSchema } from '../types/resources';

/** A validation problem: an l10n key under `kubeflash.validation` plus its arguments. */
export interface ConfigProblem {
  key: string;
  args: Record<string, string | number>;
}

const NVS_KEY = /^[A-Za-z0-9_]{1,15}$/;
const INTEGER_RANGES: Record<string, [bigint, bigint]> = {
  u8:  [0n, 255n],
  i8:  [-128n, 127n],
  u16: [0n, 65535n],
  i16: [-32768n, 32767n],
  u32: [0n, 4294967295n],
  i32: [-2147483648n, 2147483647n],
  u64: [0n, 18446744073709551615n],
  i64: [-9223372036854775808n, 9223372036854775807n],
};
/** Longest NVS string value in bytes (4000 including the NUL). */
export const NVS_STRING_MAX = 3999;

function utf8Length(value: string): number {
  return new TextEncoder().encode(value).length;
}

function base64DecodedLength(value: string): number | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) {
    return undefined;
  }

  return (value.length / 4) * 3 - (value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0);
}

/** Checks one value (as written in a config layer: decimal, true/false or base64) against its typed key. */
export function validateConfigValue(key: ConfigKey, value: string): ConfigProblem | undefined {
  const name = key.name;
  const range = INTEGER_RANGES[key.type];

  if (range) {
    if (!/^-?[0-9]+$/.test(value)) {
      return { key: 'notInteger', args: { name } };
    }
    const n = BigInt(value);
    const min = key.min !== undefined && BigInt(key.min) > range[0] ? BigInt(key.min) : range[0];
    const max = key.max !== undefined && BigInt(key.max) < range[1] ? BigInt(key.max) : range[1];

    if (n < min || n > max) {
      return { key: 'outOfRange', args: { name, min: min.toString(), max: max.toString() } };
    }

    return undefined;
  }

  switch (key.type) {
  case 'bool':
    return value === 'true' || value === 'false' ? undefined : { key: 'notBool', args: { name } };
  case 'string': {
    const max = Math.min(key.maxLength ?? NVS_STRING_MAX, NVS_STRING_MAX);

    return utf8Length(value) > max ? { key: 'tooLong', args: { name, max } } : undefined;
  }
  case 'blob': {
    const size = base64DecodedLength(value);

    if (size === undefined) {
      return { key: 'notBase64', args: { name } };
    }

    return key.maxLength !== undefined && size > key.maxLength ? { key: 'tooLong', args: { name, max: key.maxLength } } : undefined;
  }
  default:
    return { key: 'unknownType', args: { name, type: key.type } };
  }
}

/**
 * Checks one config layer against the class's schema: key names, value types and limits, secret keys
 * given as plain values, and (for the device layer, `requireAll`) required keys without any value.
 * `providedElsewhere` lists keys other layers or Secrets already supply.
 */
export function validateConfigLayer(
  schema: ConfigSchema | undefined,
  layer: ConfigLayer | undefined,
  options: { requireAll?: boolean; providedElsewhere?: string[] } = {},
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const keys = new Map((schema?.keys || []).map((k) => [k.name, k]));
  const values = layer?.values || {};

  for (const [name, value] of Object.entries(values)) {
    if (!NVS_KEY.test(name)) {
      problems.push({ key: 'badKeyName', args: { name } });
      continue;
    }
    const key = keys.get(name);

    if (!key) {
      if (schema?.keys && schema.unknownKeys !== 'PassAsString') {
        problems.push({ key: 'unknownKey', args: { name } });
      }
      continue;
    }
    if (key.secret) {
      problems.push({ key: 'secretAsValue', args: { name } });
      continue;
    }
    const problem = validateConfigValue(key, value);

    if (problem) {
      problems.push(problem);
    }
  }

  for (const ref of layer?.secretRefs || []) {
    if (!ref.name) {
      problems.push({ key: 'secretNameMissing', args: {} });
    }
    for (const name of ref.keys || []) {
      if (!NVS_KEY.test(name)) {
        problems.push({ key: 'badKeyName', args: { name } });
      }
    }
  }

  if (options.requireAll) {
    const given = new Set([
      ...Object.keys(values),
      ...(layer?.secretRefs || []).flatMap((r) => r.keys || []),
      ...(options.providedElsewhere || []),
    ]);

    for (const key of keys.values()) {
      if (key.required && key.default === undefined && !given.has(key.name)) {
        problems.push({ key: 'requiredMissing', args: { name: key.name } });
      }
    }
  }

  return problems;
}

/** Checks a class's configSchema itself: unique valid names, min/max/maxLength only where they apply, defaults valid. */
export function validateConfigSchema(schema: ConfigSchema | undefined): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();

  for (const key of schema?.keys || []) {
    if (!NVS_KEY.test(key.name || '')) {
      problems.push({ key: 'badKeyName', args: { name: key.name || '' } });
      continue;
    }
    if (seen.has(key.name)) {
      problems.push({ key: 'duplicateKey', args: { name: key.name } });
    }
    seen.add(key.name);
    const isInteger = !!INTEGER_RANGES[key.type];

    if ((key.min !== undefined || key.max !== undefined) && !isInteger) {
      problems.push({ key: 'minMaxNotInteger', args: { name: key.name } });
    } else if (key.min !== undefined && key.max !== undefined && key.min > key.max) {
      problems.push({ key: 'minAboveMax', args: { name: key.name } });
    }
    if (key.maxLength !== undefined && key.type !== 'string' && key.type !== 'blob') {
      problems.push({ key: 'maxLengthNotString', args: { name: key.name } });
    }
    if (key.secret && key.default !== undefined) {
      problems.push({ key: 'secretDefault', args: { name: key.name } });
    } else if (key.default !== undefined) {
      const problem = validateConfigValue(key, key.default);

      if (problem) {
        problems.push(problem);
      }
    }
  }

  return problems;
}
