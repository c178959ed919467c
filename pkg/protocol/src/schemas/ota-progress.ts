import { Type, type Static } from '@sinclair/typebox';
import { JSON_SCHEMA_DIALECT, SCHEMA_BASE } from '../version';
import { OTA_ID_PATTERN, StringEnum, valuesOf } from './common';
import { OTA_MAX_IMAGE_SIZE } from './cmd-ota';

/** Steps of an OTA update as the device reports them, in order. */
export const OtaProgressState = {
  /** Downloading the image (bytes of total so far). */
  Downloading: 'downloading',
  /** Download complete; checking size, SHA-256 and signature. */
  Verifying: 'verifying',
  /** Verified and set as boot partition; restarting into it. */
  Rebooting: 'rebooting',
  /** Booted the new image, which is pending verification until it reached the broker (and its own checks pass). */
  PendingVerify: 'pending-verify',
} as const;
/** One of the OTA progress states. */
export type OtaProgressState = (typeof OtaProgressState)[keyof typeof OtaProgressState];

/** `ota/progress`: where an update is. */
export const OtaProgressSchema = Type.Object(
  {
    id: Type.String({ description: 'id of the cmd/ota this is about.', pattern: OTA_ID_PATTERN }),
    state: StringEnum(valuesOf(OtaProgressState), 'Step of the update.'),
    bytes: Type.Optional(Type.Integer({ description: 'Bytes downloaded so far (downloading only; at most total).', minimum: 0, maximum: OTA_MAX_IMAGE_SIZE })),
    total: Type.Optional(Type.Integer({ description: 'Size of the image (downloading only).', minimum: 1, maximum: OTA_MAX_IMAGE_SIZE })),
  },
  {
    $schema: JSON_SCHEMA_DIALECT,
    $id: `${SCHEMA_BASE}ota-progress.schema.json`,
    title: 'ota/progress',
    description:
      'Device -> operator on <root>ota/progress (QoS 0, not retained). bytes and total are required while downloading and ' +
      'not allowed otherwise; bytes must not exceed total.',
    additionalProperties: false,
    // Each rule applies only when state is present and valid, so a payload has exactly one error per defect.
    allOf: [
      {
        if: { required: ['state'], properties: { state: { const: OtaProgressState.Downloading } } },
        then: { required: ['bytes', 'total'] },
      },
      {
        if: {
          required: ['state'],
          properties: { state: { enum: valuesOf(OtaProgressState).filter((s) => s !== OtaProgressState.Downloading) } },
        },
        then: { properties: { bytes: false, total: false } },
      },
    ],
  },
);
/** Payload of `ota/progress`. */
export type OtaProgressPayload = Static<typeof OtaProgressSchema>;
