import { Type, type Static } from '@sinclair/typebox';
import { JSON_SCHEMA_DIALECT, SCHEMA_BASE } from '../version';
import { UUID_PATTERN } from './common';
import { DEVICE_ID_MAX, DEVICE_ID_PATTERN } from '../device-id';

/** `cmd/factory-reset`: erase the app's data and restart. */
export const CmdFactoryResetSchema = Type.Object(
  {
    id: Type.String({ description: 'Command id (a UUID the operator picks).', pattern: UUID_PATTERN }),
    confirm: Type.String({
      description: 'The device id of the addressed device; a device acts only when it equals its own device_id (and the topic\'s).',
      maxLength: DEVICE_ID_MAX,
      pattern: DEVICE_ID_PATTERN,
    }),
  },
  {
    $schema: JSON_SCHEMA_DIALECT,
    $id: `${SCHEMA_BASE}cmd-factory-reset.schema.json`,
    title: 'cmd/factory-reset',
    description:
      'Operator -> device on <root>cmd/factory-reset (QoS 1, not retained): erase the app data partition (nvs; never the config ' +
      'partition), publish offline status with reason factory-reset, restart. confirm must equal the device id in the topic.',
    additionalProperties: false,
  },
);
/** Payload of `cmd/factory-reset`. */
export type CmdFactoryResetPayload = Static<typeof CmdFactoryResetSchema>;
