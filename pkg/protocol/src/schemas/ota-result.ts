import { Type, type Static } from '@sinclair/typebox';
import { JSON_SCHEMA_DIALECT, SCHEMA_BASE } from '../version';
import { ONE_LINE_PATTERN, OTA_ID_PATTERN, StringEnum, VERSION_PATTERN, valuesOf } from './common';

/** Outcome of an OTA command. */
export const OtaOutcome = {
  /** The target version runs and marked itself valid (or already ran: the command is idempotent). */
  Success: 'success',
  /** The update did not happen; `reason` says why and the previous image still runs. */
  Failed: 'failed',
} as const;
/** One of the OTA outcomes. */
export type OtaOutcome = (typeof OtaOutcome)[keyof typeof OtaOutcome];

/** Why an OTA update failed. */
export const OtaFailureReason = {
  /** The command could not be parsed or violates the schema (reported only when its id is readable). */
  InvalidCommand: 'invalid-command',
  /** Another update with a different id is in progress. */
  Busy: 'busy',
  /** The device has no ota_pubkey to check signatures with and refuses unsigned updates. */
  NoKey: 'no-key',
  /** The image does not fit the next OTA partition, or there is none. */
  NoSpace: 'no-space',
  /** HTTP(S) download failed after retries (connection, TLS, HTTP status). */
  DownloadFailed: 'download-failed',
  /** The download did not progress within the device's timeout. */
  Timeout: 'timeout',
  /** The downloaded length differs from size. */
  SizeMismatch: 'size-mismatch',
  /** The SHA-256 of the download differs from sha256. */
  Sha256Mismatch: 'sha256-mismatch',
  /** The signature does not verify with ota_pubkey. */
  SignatureInvalid: 'signature-invalid',
  /** ESP-IDF rejected the image (magic, chip, app description, secure version). */
  InvalidImage: 'invalid-image',
  /** Writing or erasing the OTA partition failed. */
  FlashError: 'flash-error',
  /** The new image booted but did not mark itself valid; the bootloader went back to the previous one. */
  Rollback: 'rollback',
} as const;
/** One of the OTA failure reasons. */
export type OtaFailureReason = (typeof OtaFailureReason)[keyof typeof OtaFailureReason];

/** `ota/result`: how an update ended. */
export const OtaResultSchema = Type.Object(
  {
    id: Type.String({ description: 'id of the cmd/ota this is about.', pattern: OTA_ID_PATTERN }),
    result: StringEnum(valuesOf(OtaOutcome), 'success or failed.'),
    version: Type.Optional(
      Type.String({ description: 'Version now running (required on success).', maxLength: 31, pattern: VERSION_PATTERN }),
    ),
    reason: Type.Optional(StringEnum(valuesOf(OtaFailureReason), 'Why it failed (required when failed, not allowed on success).')),
    detail: Type.Optional(Type.String({ description: 'Human-readable detail (an HTTP status, an esp_err_t name); no secrets.', maxLength: 256, pattern: ONE_LINE_PATTERN })),
  },
  {
    $schema: JSON_SCHEMA_DIALECT,
    $id: `${SCHEMA_BASE}ota-result.schema.json`,
    title: 'ota/result',
    description:
      'Device -> operator on <root>ota/result (QoS 1, not retained). success requires version and allows no reason; ' +
      'failed requires reason.',
    additionalProperties: false,
    // Each rule applies only when result is present and valid, so a payload has exactly one error per defect.
    allOf: [
      {
        if: { required: ['result'], properties: { result: { const: OtaOutcome.Success } } },
        then: { required: ['version'], properties: { reason: false } },
      },
      {
        if: { required: ['result'], properties: { result: { const: OtaOutcome.Failed } } },
        then: { required: ['reason'] },
      },
    ],
  },
);
/** Payload of `ota/result`. */
export type OtaResultPayload = Static<typeof OtaResultSchema>;
