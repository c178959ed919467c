/** Kinds of configuration problems; the UI maps each to an l10n key, the operator shows `message`. */
export const ConfigProblemCode = {
  /** A required key has no value in any layer and no default. */
  MissingRequired: 'MissingRequired',
  /** A value's key is not declared by the class schema and the schema rejects unknown keys. */
  UnknownKey: 'UnknownKey',
  /** A key name is not an NVS key (1-15 characters of [A-Za-z0-9_]). */
  InvalidKeyName: 'InvalidKeyName',
  /** A value cannot be read as its key's type (not a decimal integer, not true/false, not base64, not UTF-8). */
  InvalidValue: 'InvalidValue',
  /** An integer value lies outside the key's min..max or its type's range. */
  OutOfRange: 'OutOfRange',
  /** A string or blob is longer than the key's maxLength or the NVS limit. */
  TooLong: 'TooLong',
  /** A key marked `secret` gets its value from plain `values` instead of a Secret. */
  SecretInPlainValues: 'SecretInPlainValues',
  /** A layer or the schema sets a key the operator generates (device_id, mqtt_*, ota_pubkey). */
  GeneratedKeyOverride: 'GeneratedKeyOverride',
  /** The class schema itself is inconsistent (bad default, min above max, ...). */
  SchemaInvalid: 'SchemaInvalid',
  /** A secretRefs entry names a Secret that does not exist. */
  SecretNotFound: 'SecretNotFound',
  /** A secretRefs entry names a key the Secret does not have. */
  SecretKeyNotFound: 'SecretKeyNotFound',
  /** The entries do not fit the class's config partition. */
  TooLarge: 'TooLarge',
} as const;
/** One of the configuration problem codes. */
export type ConfigProblemCode = (typeof ConfigProblemCode)[keyof typeof ConfigProblemCode];

/**
 * One problem with a configuration. `message` is complete English for conditions and the CLI; `code` and `args`
 * let the UI localize it. Messages never contain values that came from Secrets.
 */
export interface ConfigProblem {
  code: ConfigProblemCode;
  /** The config key concerned, when there is one. */
  key?: string;
  args: Record<string, string | number>;
  message: string;
}

/** Builds a ConfigProblem. */
export function problem(code: ConfigProblemCode, message: string, args: Record<string, string | number> = {}, key?: string): ConfigProblem {
  return key === undefined ? { code, args, message } : { code, key, args, message };
}
