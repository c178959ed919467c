import { INTEGER_KEY_RANGES, INTEGER_KEY_TYPES, type ConfigKey, type ConfigKeyType } from '../v1alpha1/deviceclass';
import { NVS_KEY_PATTERN } from '../v1alpha1/common';
import { ConfigProblemCode, problem, type ConfigProblem } from './problems';

/** Longest string value the NVS image can hold in bytes, without the terminating NUL (nvs_partition_gen places at most 3968 with it). */
export const NVS_STRING_MAX_BYTES = 3967;
/** Longest blob value in bytes (a multi-page blob in a 0x80000 partition). */
export const NVS_BLOB_MAX_BYTES = 508000;

const NVS_KEY = new RegExp(NVS_KEY_PATTERN);
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** True if `name` is a valid NVS key name (1-15 characters of [A-Za-z0-9_]). */
export function isNvsKeyName(name: string): boolean {
  return NVS_KEY.test(name);
}

/** A value ready for the NVS image: integers as bigint (bool as u8 0/1), strings as text, blobs as bytes. */
export type TypedValue =
  | { type: 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'u64' | 'i64'; value: bigint }
  | { type: 'string'; value: string }
  | { type: 'blob'; value: Uint8Array };

/** A raw value: text from `values`, defaults and the UI, or the bytes of a Secret key. */
export type RawValue = string | Uint8Array;

/** Result of reading one value as its key's type. */
export type ParsedValue = { ok: true; value: TypedValue } | { ok: false; problem: ConfigProblem };

const fail = (p: ConfigProblem): ParsedValue => ({ ok: false, problem: p });

function isIntegerType(type: ConfigKeyType): type is keyof typeof INTEGER_KEY_RANGES {
  return INTEGER_KEY_TYPES.includes(type);
}

/** Strict standard base64 (padding required); undefined when the text is not base64. */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const body = text.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((body.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let n = 0;
  for (const ch of body) {
    acc = (acc << 6) | alphabet.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/** How a value is described in messages: where it came from, never what it is when it came from a Secret. */
function describe(name: string, from?: string): string {
  return from ? `key ${name} (from ${from})` : `key ${name}`;
}

/**
 * Reads one raw value as the type of `key` and checks its limits (integer range and min/max, bool spelling,
 * string and blob length against maxLength and NVS limits). Integers are decimal, bools true/false, blobs
 * base64 when given as text (Secret bytes are taken as they are). `from` names the source in messages.
 */
export function parseConfigValue(key: ConfigKey, raw: RawValue, from?: string): ParsedValue {
  const what = describe(key.name, from);
  if (key.type === 'blob') {
    const bytes = typeof raw === 'string' ? decodeBase64(raw) : raw;
    if (!bytes) return fail(problem(ConfigProblemCode.InvalidValue, `${what} is a blob and must be base64`, { name: key.name }, key.name));
    const max = Math.min(key.maxLength ?? NVS_BLOB_MAX_BYTES, NVS_BLOB_MAX_BYTES);
    if (bytes.length > max) {
      return fail(problem(ConfigProblemCode.TooLong, `${what} is ${bytes.length} bytes; at most ${max} allowed`, { name: key.name, length: bytes.length, max }, key.name));
    }
    return { ok: true, value: { type: 'blob', value: bytes } };
  }
  let text: string;
  if (typeof raw === 'string') {
    text = raw;
  } else {
    try {
      text = strictUtf8.decode(raw);
    } catch {
      return fail(problem(ConfigProblemCode.InvalidValue, `${what} is not valid UTF-8 text`, { name: key.name }, key.name));
    }
  }
  if (key.type === 'string') {
    const length = utf8.encode(text).length;
    const max = Math.min(key.maxLength ?? NVS_STRING_MAX_BYTES, NVS_STRING_MAX_BYTES);
    if (length > max) {
      return fail(problem(ConfigProblemCode.TooLong, `${what} is ${length} bytes long; at most ${max} allowed`, { name: key.name, length, max }, key.name));
    }
    if (/\r|\n#/.test(text)) {
      return fail(problem(ConfigProblemCode.InvalidValue, `${what} contains a carriage return or a line starting with #, which the NVS CSV form cannot carry`, { name: key.name }, key.name));
    }
    return { ok: true, value: { type: 'string', value: text } };
  }
  if (key.type === 'bool') {
    if (text !== 'true' && text !== 'false') {
      return fail(problem(ConfigProblemCode.InvalidValue, `${what} is a bool and must be true or false`, { name: key.name }, key.name));
    }
    return { ok: true, value: { type: 'u8', value: text === 'true' ? 1n : 0n } };
  }
  if (isIntegerType(key.type)) {
    if (!/^-?[0-9]+$/.test(text)) {
      return fail(problem(ConfigProblemCode.InvalidValue, `${what} is a ${key.type} and must be a decimal integer`, { name: key.name, type: key.type }, key.name));
    }
    const n = BigInt(text);
    const range = INTEGER_KEY_RANGES[key.type];
    const min = key.min !== undefined && BigInt(key.min) > range.min ? BigInt(key.min) : range.min;
    const max = key.max !== undefined && BigInt(key.max) < range.max ? BigInt(key.max) : range.max;
    if (n < min || n > max) {
      // Values read from Secrets are never repeated in messages.
      const fromSecret = typeof raw !== 'string';
      const args: Record<string, string> = { name: key.name, min: min.toString(), max: max.toString() };
      if (!fromSecret) args.value = text;
      const shown = fromSecret ? 'is' : `is ${text},`;
      return fail(problem(ConfigProblemCode.OutOfRange, `${what} ${shown} outside ${min}..${max}`, args, key.name));
    }
    return { ok: true, value: { type: key.type, value: n } };
  }
  return fail(problem(ConfigProblemCode.SchemaInvalid, `${what} has unknown type ${String(key.type)}`, { name: key.name }, key.name));
}
