import { Type, type Static } from '@sinclair/typebox';
import { JSON_SCHEMA_DIALECT, SCHEMA_BASE } from '../version';
import { BASE64_PATTERN, OTA_ID_PATTERN, SHA256_PATTERN, URL_PATTERN, VERSION_PATTERN } from './common';

/** Largest app image an OTA command may announce (16 MiB, the largest ESP32 flash). */
export const OTA_MAX_IMAGE_SIZE = 16 * 1024 * 1024;

/** `cmd/ota`: install an app image. */
export const CmdOtaSchema = Type.Object(
  {
    id: Type.String({ description: 'Command id: <rollout uid>/<attempt>; reports about it repeat it.', pattern: OTA_ID_PATTERN }),
    version: Type.String({ description: 'Version of the image (its app description `version`).', maxLength: 31, pattern: VERSION_PATTERN }),
    url: Type.String({ description: 'Where to download the app image (http or https; Range requests supported).', maxLength: 1024, pattern: URL_PATTERN }),
    size: Type.Integer({ description: 'Exact size of the image in bytes.', minimum: 1, maximum: OTA_MAX_IMAGE_SIZE }),
    sha256: Type.String({ description: 'SHA-256 of the whole image, lowercase hex.', pattern: SHA256_PATTERN }),
    signature: Type.String({
      description:
        'Base64 of the DER ECDSA P-256 signature over the SHA-256 of the whole image (what `openssl dgst -sha256 -sign` writes), ' +
        'checked with the ota_pubkey config key.',
      minLength: 12,
      maxLength: 96,
      pattern: BASE64_PATTERN,
    }),
  },
  {
    $schema: JSON_SCHEMA_DIALECT,
    $id: `${SCHEMA_BASE}cmd-ota.schema.json`,
    title: 'cmd/ota',
    description:
      'Operator -> device on <root>cmd/ota (QoS 1, not retained): download, verify (size, sha256, signature) and boot an app image. ' +
      'The signature must also be a well-formed DER ECDSA-Sig-Value (SEQUENCE of two positive, minimally encoded INTEGERs of at most 33 bytes).',
    additionalProperties: false,
  },
);
/** Payload of `cmd/ota`. */
export type CmdOtaPayload = Static<typeof CmdOtaSchema>;
