import type { TSchema } from '@sinclair/typebox';
import { MessageKind } from '../channels';
import { CmdFactoryResetSchema } from './cmd-factory-reset';
import { CmdOtaSchema } from './cmd-ota';
import { CmdRebootSchema } from './cmd-reboot';
import { LogsSchema } from './logs';
import { LwtSchema } from './lwt';
import { OtaProgressSchema } from './ota-progress';
import { OtaResultSchema } from './ota-result';
import { StatusSchema } from './status';
import { TelemetrySchema } from './telemetry';

export * from './common';
export * from './cmd-factory-reset';
export * from './cmd-ota';
export * from './cmd-reboot';
export * from './logs';
export * from './lwt';
export * from './ota-progress';
export * from './ota-result';
export * from './status';
export * from './telemetry';

/** The schema of each message kind (TypeBox objects; `schemaDocument` gives the published JSON). */
export const SCHEMAS: Readonly<Record<MessageKind, TSchema>> = {
  [MessageKind.Status]: StatusSchema,
  [MessageKind.Lwt]: LwtSchema,
  [MessageKind.Telemetry]: TelemetrySchema,
  [MessageKind.Logs]: LogsSchema,
  [MessageKind.CmdOta]: CmdOtaSchema,
  [MessageKind.CmdReboot]: CmdRebootSchema,
  [MessageKind.CmdFactoryReset]: CmdFactoryResetSchema,
  [MessageKind.OtaProgress]: OtaProgressSchema,
  [MessageKind.OtaResult]: OtaResultSchema,
};

/** The published JSON Schema document of a message kind (what `schemas/<kind>.schema.json` holds). */
export function schemaDocument(kind: MessageKind): Record<string, unknown> {
  return JSON.parse(JSON.stringify(SCHEMAS[kind])) as Record<string, unknown>;
}
