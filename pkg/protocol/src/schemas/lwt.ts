import { Type, type Static } from '@sinclair/typebox';
import { JSON_SCHEMA_DIALECT, SCHEMA_BASE } from '../version';
import { StringEnum, UnixSeconds, valuesOf } from './common';

/** Why a device goes offline on purpose; the will (connection lost) carries no reason. */
export const OfflineReason = {
  /** It restarts because of cmd/reboot. */
  Reboot: 'reboot',
  /** It erases its data and restarts because of cmd/factory-reset. */
  FactoryReset: 'factory-reset',
  /** It restarts into a newly downloaded image. */
  Ota: 'ota',
} as const;
/** One of the offline reasons. */
export type OfflineReason = (typeof OfflineReason)[keyof typeof OfflineReason];

/** The offline `status`: the will the broker publishes, or what the device publishes itself before a restart. */
export const LwtSchema = Type.Object(
  {
    state: Type.Literal('offline', { description: 'The device is not connected.' }),
    reason: Type.Optional(StringEnum(valuesOf(OfflineReason), 'Why the device went offline on purpose; absent in the will.')),
    ts: Type.Optional(UnixSeconds('Unix time, when the device publishes it itself with a synchronised clock.')),
  },
  {
    $schema: JSON_SCHEMA_DIALECT,
    $id: `${SCHEMA_BASE}lwt.schema.json`,
    title: 'status (offline, LWT)',
    description:
      'Offline status on <root>status, retained: the Last Will the device registers at connect ({"state":"offline"}), ' +
      'or the same with a reason, published by the device before a deliberate restart.',
    additionalProperties: false,
  },
);
/** Payload of an offline `status` (the LWT). */
export type LwtPayload = Static<typeof LwtSchema>;
