import { Type, type Static } from '@sinclair/typebox';
import {
  AGE_COLUMN,
  ConfigLayerSchema,
  Conditions,
  ObjectName,
  ObservedGeneration,
  NvsKeyName,
  StringEnum,
  conditionColumn,
  resourceNames,
  type KindDefinition,
  type KubeflashObject,
} from './common';
import { FirmwareBuilderSchema, FirmwareSourceSchema, FirmwareVersion } from './firmware';

/** Resource names of DeviceClass. */
export const DeviceClassResource = resourceNames('DeviceClass', 'deviceclasses', ['kfdc']);

/** ESP32-family chips (ESP-IDF targets) a class can be built for. */
export const Chip = {
  ESP32: 'esp32',
  ESP32S2: 'esp32s2',
  ESP32S3: 'esp32s3',
  ESP32C3: 'esp32c3',
  ESP32C6: 'esp32c6',
  ESP32H2: 'esp32h2',
} as const;
/** One of the supported chips. */
export type Chip = (typeof Chip)[keyof typeof Chip];

/** NVS entry types a configuration key can have. */
export const ConfigKeyType = {
  U8: 'u8',
  I8: 'i8',
  U16: 'u16',
  I16: 'i16',
  U32: 'u32',
  I32: 'i32',
  U64: 'u64',
  I64: 'i64',
  String: 'string',
  Blob: 'blob',
  /** Written as a u8 holding 0 or 1. */
  Bool: 'bool',
} as const;
/** One of the configuration key types. */
export type ConfigKeyType = (typeof ConfigKeyType)[keyof typeof ConfigKeyType];

/** Integer key types (min and max apply to these). */
export const INTEGER_KEY_TYPES: readonly ConfigKeyType[] = ['u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'u64', 'i64'];
const UNSIGNED_KEY_TYPES: readonly ConfigKeyType[] = ['u8', 'u16', 'u32', 'u64'];

/** Value range of each integer key type (bool is stored as a u8 of 0 or 1). */
export const INTEGER_KEY_RANGES: Readonly<Record<'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'u64' | 'i64', { min: bigint; max: bigint }>> = {
  u8: { min: 0n, max: 0xffn },
  i8: { min: -0x80n, max: 0x7fn },
  u16: { min: 0n, max: 0xffffn },
  i16: { min: -0x8000n, max: 0x7fffn },
  u32: { min: 0n, max: 0xffffffffn },
  i32: { min: -0x80000000n, max: 0x7fffffffn },
  u64: { min: 0n, max: 0xffffffffffffffffn },
  i64: { min: -0x8000000000000000n, max: 0x7fffffffffffffffn },
};

const INT64 = { min: -0x8000000000000000n, max: 0x7fffffffffffffffn };
const celList = (values: readonly string[]) => `[${values.map((v) => `'${v}'`).join(', ')}]`;
/** CEL map literal type -> bound, for the bounds that are narrower than CEL's own int64. */
function celBounds(which: 'min' | 'max'): string {
  const narrower = (b: bigint) => b > INT64.min && b < INT64.max;
  const entries = Object.entries(INTEGER_KEY_RANGES).filter(([, r]) => narrower(r[which]));
  return `{${entries.map(([type, r]) => `'${type}': ${r[which]}`).join(', ')}}`;
}
/** CEL: `expr` (an int) lies within the range of `self.type`. */
function withinTypeRange(expr: string): string {
  const [lo, hi] = [celBounds('min'), celBounds('max')];
  return `(!(self.type in ${lo}) || ${expr} >= ${lo}[self.type]) && (!(self.type in ${hi}) || ${expr} <= ${hi}[self.type])`;
}

/** What happens to configuration values whose key the schema does not declare. */
export const UnknownKeysPolicy = {
  /** The device's ConfigReady condition turns False naming the unknown keys. */
  Reject: 'Reject',
  /** Unknown keys are written as NVS strings. */
  PassAsString: 'PassAsString',
} as const;
/** One of the unknown-keys policies. */
export type UnknownKeysPolicy = (typeof UnknownKeysPolicy)[keyof typeof UnknownKeysPolicy];

/** Whether the config partition is encrypted. */
export const ConfigEncryption = {
  /** Plain NVS. */
  None: 'none',
  /** NVS encryption (XTS-AES); the operator generates a per-device key for the nvs_keys partition. */
  Nvs: 'nvs',
} as const;
/** One of the config encryption modes. */
export type ConfigEncryption = (typeof ConfigEncryption)[keyof typeof ConfigEncryption];

/** One typed configuration key of a class. */
export const ConfigKeySchema = Type.Object(
  {
    name: NvsKeyName('NVS key name: 1-15 characters of [A-Za-z0-9_].'),
    type: StringEnum(Object.values(ConfigKeyType), {
      description: 'NVS entry type: u8, i8, u16, i16, u32, i32, u64, i64, string, blob or bool (a u8 of 0 or 1).',
    }),
    required: Type.Optional(
      Type.Boolean({ description: 'A device whose effective config lacks this key is not ConfigReady.', default: false }),
    ),
    default: Type.Optional(
      Type.String({
        description:
          'Value used when no layer sets the key, written like config values: decimal for integers, true/false ' +
          'for bool, base64 for blob.',
        maxLength: 16384,
      }),
    ),
    secret: Type.Optional(
      Type.Boolean({
        description: 'The value must come from a Secret (a secretRefs entry), never from plain values.',
        default: false,
      }),
    ),
    description: Type.Optional(Type.String({ description: 'What the key means, for people and the UI.', maxLength: 1024 })),
    min: Type.Optional(Type.Integer({ description: 'Smallest allowed value (integer types only).', format: 'int64' })),
    max: Type.Optional(Type.Integer({ description: 'Largest allowed value (integer types only).', format: 'int64' })),
    maxLength: Type.Optional(
      Type.Integer({
        description: 'Longest allowed value in bytes (string: at most 3999; blob: decoded size).',
        minimum: 1,
        maximum: 508000,
      }),
    ),
  },
  {
    'x-kubernetes-validations': [
      {
        rule: `(!has(self.min) && !has(self.max)) || self.type in ${celList(INTEGER_KEY_TYPES)}`,
        message: 'min and max apply only to integer types',
      },
      { rule: '!has(self.min) || !has(self.max) || self.min <= self.max', message: 'min must not exceed max' },
      { rule: `!has(self.min) || (${withinTypeRange('self.min')})`, message: 'min is outside the range of the key type' },
      { rule: `!has(self.max) || (${withinTypeRange('self.max')})`, message: 'max is outside the range of the key type' },
      {
        rule: "!has(self.maxLength) || self.type == 'string' || self.type == 'blob'",
        message: 'maxLength applies only to string and blob',
      },
      {
        rule: `!has(self.default) || !(self.type in ${celList(UNSIGNED_KEY_TYPES)}) || self.default.matches('^[0-9]+$')`,
        message: 'the default of an unsigned key must be a non-negative decimal integer',
      },
      {
        rule: `!has(self.default) || !(self.type in ${celList(INTEGER_KEY_TYPES)}) || self.default.matches('^-?[0-9]+$')`,
        message: 'the default of an integer key must be a decimal integer',
      },
      {
        // Up to 18 digits always fits CEL's int64; longer u64/i64 defaults are left to the operator.
        rule:
          `!has(self.default) || !(self.type in ${celList(INTEGER_KEY_TYPES)}) || !self.default.matches('^-?[0-9]{1,18}$') || ` +
          `(${withinTypeRange('int(self.default)')} && (!has(self.min) || int(self.default) >= self.min) && ` +
          '(!has(self.max) || int(self.default) <= self.max))',
        message: 'the default is outside min..max or the range of the key type',
      },
      {
        rule: "!has(self.default) || self.type != 'bool' || self.default == 'true' || self.default == 'false'",
        message: 'the default of a bool key must be true or false',
      },
      {
        rule: '!has(self.default) || !has(self.required) || !self.required',
        message: 'a key with a default is never missing: drop required or the default',
      },
      {
        rule: '!has(self.default) || !has(self.secret) || !self.secret',
        message: 'a secret key cannot have a default (it would be visible in the class)',
      },
    ],
  },
);
/** One typed configuration key of a class. */
export type ConfigKey = Static<typeof ConfigKeySchema>;

/** The "custom mapping" of a class: which NVS keys its firmware reads and their types. */
export const ConfigSchemaSchema = Type.Object(
  {
    namespace: Type.Optional(
      NvsKeyName('NVS namespace the keys are written to (the firmware opens it with nvs_open).', { default: 'config' }),
    ),
    keys: Type.Optional(
      Type.Array(ConfigKeySchema, {
        description: 'Typed keys the firmware reads.',
        maxItems: 128,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
      }),
    ),
    unknownKeys: Type.Optional(
      StringEnum(Object.values(UnknownKeysPolicy), {
        description: 'Reject: values for undeclared keys make the device not ConfigReady; PassAsString: written as strings.',
        default: 'Reject',
      }),
    ),
  },
  { description: 'The keys the firmware reads from NVS, with types, defaults and limits.' },
);
/** The typed key schema of a class. */
export type ConfigSchema = Static<typeof ConfigSchemaSchema>;

/** spec.partitions of a DeviceClass. */
export const PartitionsSchema = Type.Object(
  {
    config: Type.Optional(
      Type.Object(
        {
          label: Type.Optional(
            Type.String({
              description: "Label of the NVS partition in the firmware's partition table.",
              default: 'config',
              minLength: 1,
              maxLength: 16,
              pattern: '^[A-Za-z0-9_-]+$',
            }),
          ),
          size: Type.Optional(
            Type.Integer({
              description:
                "Size in bytes, as in the firmware's partition table (0x6000 = 24576): a multiple of 4096, " +
                'at least 0x3000 (12288), at most 0x80000 (the image must fit in a Secret).',
              default: 0x6000,
              minimum: 0x3000,
              maximum: 0x80000,
              'x-kubernetes-validations': [{ rule: 'self % 4096 == 0', message: 'size must be a multiple of 4096 (0x1000)' }],
            }),
          ),
        },
        { description: 'The NVS partition kubeflash writes the device config into.', default: {} },
      ),
    ),
  },
  { description: "Partitions of the class's firmware that kubeflash writes.", default: {} },
);

/** spec.firmware of a DeviceClass. */
export const ClassFirmwareSchema = Type.Object(
  {
    source: FirmwareSourceSchema,
    builder: Type.Optional(FirmwareBuilderSchema),
    version: Type.Optional(
      FirmwareVersion('Version devices of this class should run; the operator builds a Firmware for it.'),
    ),
  },
  { description: 'Where the firmware comes from, how it is built and which version devices should run.' },
);

/** spec of a DeviceClass. */
export const DeviceClassSpecSchema = Type.Object({
  chip: StringEnum(Object.values(Chip), {
    description: 'ESP-IDF target of the board: esp32, esp32s2, esp32s3, esp32c3, esp32c6 or esp32h2.',
  }),
  description: Type.Optional(Type.String({ description: 'What the board is, for people and the UI.', maxLength: 1024 })),
  firmware: Type.Optional(ClassFirmwareSchema),
  configSchema: Type.Optional(ConfigSchemaSchema),
  partitions: Type.Optional(PartitionsSchema),
  encryption: Type.Optional(
    StringEnum(Object.values(ConfigEncryption), {
      description: 'none, or nvs: the config partition is NVS-encrypted with a per-device key.',
      default: 'none',
    }),
  ),
  config: Type.Optional(ConfigLayerSchema),
});
/** spec of a DeviceClass. */
export type DeviceClassSpec = Static<typeof DeviceClassSpecSchema>;

/** status of a DeviceClass. */
export const DeviceClassStatusSchema = Type.Object({
  observedGeneration: Type.Optional(ObservedGeneration()),
  conditions: Type.Optional(Conditions()),
  firmware: Type.Optional(
    Type.Object(
      {
        name: ObjectName('Name of the Firmware object for spec.firmware.version.'),
        version: FirmwareVersion('Its version.'),
        phase: Type.Optional(
          StringEnum(['Pending', 'Building', 'Succeeded', 'Failed'], { description: 'Its phase: Pending, Building, Succeeded or Failed.' }),
        ),
      },
      { description: 'The Firmware that builds spec.firmware.version (made by the operator, or an existing one adopted).' },
    ),
  ),
  devices: Type.Optional(Type.Integer({ description: 'Number of Devices of this class.', minimum: 0 })),
});
/** status of a DeviceClass. */
export type DeviceClassStatus = Static<typeof DeviceClassStatusSchema>;

/** A board and firmware type: chip, firmware source and version, typed config keys and partitions. */
export type DeviceClass = KubeflashObject<'DeviceClass', DeviceClassSpec, DeviceClassStatus>;

/** Condition types of a DeviceClass. */
export const DeviceClassConditionType = {
  /**
   * True when the Firmware for spec.firmware.version has phase Succeeded (artifacts built, verified and
   * signed); False while it is pending, building or failed, or when no version is set.
   */
  FirmwareReady: 'FirmwareReady',
} as const;
/** One of the DeviceClass condition types. */
export type DeviceClassConditionType = (typeof DeviceClassConditionType)[keyof typeof DeviceClassConditionType];

/** Reasons of DeviceClass conditions (and of the Events that mirror them). */
export const DeviceClassReason = {
  /** FirmwareReady=True: the Firmware succeeded. */
  FirmwareSucceeded: 'FirmwareSucceeded',
  /** FirmwareReady=False: the Firmware is Pending or Building. */
  FirmwareInProgress: 'FirmwareInProgress',
  /** FirmwareReady=False: the Firmware failed (its message says why). */
  FirmwareFailed: 'FirmwareFailed',
  /** FirmwareReady=False: spec.firmware or spec.firmware.version is not set. */
  NoFirmwareVersion: 'NoFirmwareVersion',
  /** FirmwareReady=False: the Firmware name for this version is taken by a Firmware of another class or version. */
  FirmwareNameTaken: 'FirmwareNameTaken',
} as const;
/** One of the DeviceClass reasons. */
export type DeviceClassReason = (typeof DeviceClassReason)[keyof typeof DeviceClassReason];

/** CRD definition of DeviceClass. */
export const deviceClassDefinition: KindDefinition = {
  names: DeviceClassResource,
  description:
    'A board and firmware type: the chip, where the firmware comes from and which version devices should run, ' +
    'the typed NVS keys the firmware reads, the config partition, and configuration shared by its devices.',
  spec: DeviceClassSpecSchema,
  status: DeviceClassStatusSchema,
  printerColumns: [
    { name: 'Chip', type: 'string', jsonPath: '.spec.chip', description: 'ESP-IDF target.' },
    { name: 'Version', type: 'string', jsonPath: '.spec.firmware.version', description: 'Firmware version devices should run.' },
    conditionColumn('Firmware Ready', DeviceClassConditionType.FirmwareReady),
    { name: 'Devices', type: 'integer', jsonPath: '.status.devices', description: 'Devices of this class.' },
    {
      name: 'Builder',
      type: 'string',
      jsonPath: '.spec.firmware.builder.image',
      description: 'Builder image.',
      priority: 1,
    },
    {
      name: 'Encryption',
      type: 'string',
      jsonPath: '.spec.encryption',
      description: 'Config partition encryption.',
      priority: 1,
    },
    AGE_COLUMN,
  ],
};
