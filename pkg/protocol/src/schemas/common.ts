import { Type, type TUnsafe } from '@sinclair/typebox';

// Patterns are plain ECMAScript/PCRE-compatible regular expressions without lookarounds, so the C firmware
// and other consumers can check the same rules by hand. Every string field has a pattern or a length bound.

/** Firmware and ESP-IDF versions (the `version` of an app description, at most 31 characters). */
export const VERSION_PATTERN = '^[0-9A-Za-z][0-9A-Za-z._+-]*$';
/** App project name: printable ASCII without spaces, at most 31 characters (app description `project_name`). */
export const PROJECT_PATTERN = '^[\\x21-\\x7e]+$';
/** ESP-IDF target name as `idf.py set-target` spells it (esp32, esp32c3, ...). */
export const CHIP_PATTERN = '^esp32[a-z0-9]{0,8}$';
/** Base MAC address: six lowercase hex octets separated by colons. */
export const MAC_PATTERN = '^[0-9a-f]{2}(:[0-9a-f]{2}){5}$';
/** SHA-256 as 64 lowercase hex digits. */
export const SHA256_PATTERN = '^[0-9a-f]{64}$';
/** A lowercase UUID, as Kubernetes writes metadata.uid. */
export const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
/** OTA command id: `<rollout uid>/<attempt>`, attempt 1 to 999999. */
export const OTA_ID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/[1-9][0-9]{0,5}$';
/** Standard base64 (RFC 4648 section 4, padded). */
export const BASE64_PATTERN = '^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$';
/** Download URL: http or https, a host name, IPv4 or bracketed IPv6 host, optional port, then printable ASCII. */
export const URL_PATTERN = '^https?://([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\])(:[0-9]{1,5})?(/[\\x21-\\x7e]*)?$';
/** Partition label of the running app (ota_0, ota_1, factory, ...). */
export const PARTITION_PATTERN = '^[A-Za-z0-9_]{1,16}$';
/** Log tag: printable ASCII without spaces. */
export const LOG_TAG_PATTERN = '^[\\x21-\\x7e]+$';
/** Free text on one line: no control characters. */
export const ONE_LINE_PATTERN = '^[^\\x00-\\x1f\\x7f]*$';
/** Free text over lines: no control characters except tab and newline. */
export const MULTI_LINE_PATTERN = '^[^\\x00-\\x08\\x0b-\\x1f\\x7f]*$';
/** Telemetry value names: lowercase snake case, so they can become Prometheus metric names unchanged. */
export const TELEMETRY_NAME_PATTERN = '^[a-z][a-z0-9_]{0,31}$';

const IPV4 = '((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const H = '[0-9A-Fa-f]{1,4}';
const IPV6 = [
  `(${H}:){7}${H}`,
  `(${H}:){1,7}:`,
  `(${H}:){1,6}:${H}`,
  `(${H}:){1,5}(:${H}){1,2}`,
  `(${H}:){1,4}(:${H}){1,3}`,
  `(${H}:){1,3}(:${H}){1,4}`,
  `(${H}:){1,2}(:${H}){1,5}`,
  `${H}:(:${H}){1,6}`,
  `:((:${H}){1,7}|:)`,
].join('|');
/** An IPv4 address in dotted-quad form, or an IPv6 address in RFC 4291 text form (no zone, no embedded IPv4). */
export const IP_PATTERN = `^(${IPV4}|${IPV6})$`;

/** Unix time in seconds, only from a synchronised clock: 2020-01-01 to 2100-01-01. */
export const UnixSeconds = (description: string) =>
  Type.Integer({ description, minimum: 1577836800, maximum: 4102444800 });

/** A string whose value is one of `values`, emitted as a JSON Schema `enum` (one clear error when it fails). */
export function StringEnum<T extends string>(values: readonly T[], description: string): TUnsafe<T> {
  return Type.Unsafe<T>({ type: 'string', enum: [...values], description });
}

/** A closed object set: its values as a tuple, for enums. */
export function valuesOf<T extends Record<string, string>>(set: T): T[keyof T][] {
  return Object.values(set) as T[keyof T][];
}
