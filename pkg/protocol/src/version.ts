/** Major version of the device <-> operator protocol; it is part of every schema `$id`. */
export const PROTOCOL_VERSION = 1;

/** Base of the schema ids: `https://kubeflash.dev/protocol/v1/<message>.schema.json`. */
export const SCHEMA_BASE = `https://kubeflash.dev/protocol/v${PROTOCOL_VERSION}/`;

/** The JSON Schema dialect of every schema. */
export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';
