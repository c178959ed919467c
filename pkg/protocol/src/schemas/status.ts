import { Type, type Static } from '@sinclair/typebox';
import { JSON_SCHEMA_DIALECT, SCHEMA_BASE } from '../version';
import {
  CHIP_PATTERN,
  IP_PATTERN,
  MAC_PATTERN,
  PARTITION_PATTERN,
  PROJECT_PATTERN,
  StringEnum,
  UnixSeconds,
  VERSION_PATTERN,
  valuesOf,
} from './common';

/**
 * Why the device last started: `esp_reset_reason()` spelled as its ESP_RST_* name in lowercase with `_`
 * replaced by `-` (ESP_RST_POWERON -> poweron, ESP_RST_INT_WDT -> int-wdt).
 */
export const ResetReason = {
  Unknown: 'unknown',
  PowerOn: 'poweron',
  External: 'ext',
  Software: 'sw',
  Panic: 'panic',
  InterruptWatchdog: 'int-wdt',
  TaskWatchdog: 'task-wdt',
  Watchdog: 'wdt',
  DeepSleep: 'deepsleep',
  Brownout: 'brownout',
  Sdio: 'sdio',
  Usb: 'usb',
  Jtag: 'jtag',
  Efuse: 'efuse',
  PowerGlitch: 'pwr-glitch',
  CpuLockup: 'cpu-lockup',
} as const;
/** One of the reset reasons. */
export type ResetReason = (typeof ResetReason)[keyof typeof ResetReason];

/**
 * OTA state of the running app image (`esp_ota_get_state_partition` of the running partition, spelled
 * like ResetReason).
 */
export const ImageState = {
  /** The image confirmed itself (or was flashed over USB and marked valid). */
  Valid: 'valid',
  /** Booted for the first time after an OTA; the bootloader rolls back unless it is marked valid. */
  PendingVerify: 'pending-verify',
  /** No OTA state recorded: rollback is disabled, or the factory app runs. */
  Undefined: 'undefined',
} as const;
/** One of the image states. */
export type ImageState = (typeof ImageState)[keyof typeof ImageState];

/** `status` while the device is connected (retained; re-published at connect, on change and as heartbeat). */
export const StatusSchema = Type.Object(
  {
    state: Type.Literal('online', { description: 'The device is connected.' }),
    fw: Type.String({ description: 'Version of the running app (app description `version`).', maxLength: 31, pattern: VERSION_PATTERN }),
    project: Type.String({ description: 'Project name of the running app (app description `project_name`).', maxLength: 31, pattern: PROJECT_PATTERN }),
    idf: Type.Optional(Type.String({ description: 'ESP-IDF version the app was built with.', maxLength: 31, pattern: VERSION_PATTERN })),
    chip: Type.String({ description: 'ESP-IDF target of the chip (esp32, esp32c3, ...).', pattern: CHIP_PATTERN }),
    mac: Type.String({ description: 'Base MAC address, lowercase.', pattern: MAC_PATTERN }),
    ip: Type.String({ description: 'IP address the device uses: IPv4 dotted quad or IPv6 text form.', pattern: IP_PATTERN }),
    rssi: Type.Optional(Type.Integer({ description: 'Wi-Fi signal strength in dBm; absent on other links.', minimum: -127, maximum: 0 })),
    uptime: Type.Integer({ description: 'Seconds since boot.', minimum: 0, maximum: 4294967295 }),
    resetReason: StringEnum(valuesOf(ResetReason), 'Why the device last started (esp_reset_reason).'),
    imageState: StringEnum(valuesOf(ImageState), 'OTA state of the running app image.'),
    partition: Type.Optional(Type.String({ description: 'Label of the running app partition (ota_0, ota_1, factory).', pattern: PARTITION_PATTERN })),
    ts: Type.Optional(UnixSeconds('Unix time of the report; only once the clock is synchronised.')),
  },
  {
    $schema: JSON_SCHEMA_DIALECT,
    $id: `${SCHEMA_BASE}status.schema.json`,
    title: 'status (online)',
    description: 'What a connected device reports about itself, retained on <root>status.',
    additionalProperties: false,
  },
);
/** Payload of an online `status`. */
export type StatusPayload = Static<typeof StatusSchema>;
