import { Type, type Static } from '@sinclair/typebox';
import { JSON_SCHEMA_DIALECT, SCHEMA_BASE } from '../version';
import { UUID_PATTERN } from './common';

/** `cmd/reboot`: restart now. */
export const CmdRebootSchema = Type.Object(
  {
    id: Type.String({ description: 'Command id (a UUID the operator picks).', pattern: UUID_PATTERN }),
  },
  {
    $schema: JSON_SCHEMA_DIALECT,
    $id: `${SCHEMA_BASE}cmd-reboot.schema.json`,
    title: 'cmd/reboot',
    description: 'Operator -> device on <root>cmd/reboot (QoS 1, not retained): publish offline status with reason reboot, then restart.',
    additionalProperties: false,
  },
);
/** Payload of `cmd/reboot`. */
export type CmdRebootPayload = Static<typeof CmdRebootSchema>;
