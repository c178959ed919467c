import { Type, type Static } from '@sinclair/typebox';
import {
  AGE_COLUMN,
  ConfigLayerSchema,
  Conditions,
  LocalObjectReference,
  ObjectName,
  ObservedGeneration,
  StringEnum,
  conditionColumn,
  resourceNames,
  type KindDefinition,
  type KubeflashObject,
} from './common';

/** Resource names of Device. */
export const DeviceResource = resourceNames('Device', 'devices', ['kfdev']);

/** A MAC address as six colon-separated hex octets. */
export const MAC_ADDRESS_PATTERN = '^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$';

/** spec of a Device. */
export const DeviceSpecSchema = Type.Object({
  deviceClassRef: LocalObjectReference('The DeviceClass of the board (chip, firmware, config keys).'),
  devicesClusterRef: LocalObjectReference('The DevicesCluster (site) the device belongs to: broker and downloads.'),
  macAddress: Type.Optional(
    Type.String({
      description:
        'Base MAC address of the board (aa:bb:cc:dd:ee:ff); when set, flashing checks it and reports from another MAC are flagged.',
      pattern: MAC_ADDRESS_PATTERN,
    }),
  ),
  description: Type.Optional(Type.String({ description: 'Where the board is and what it does.', maxLength: 1024 })),
  config: Type.Optional(ConfigLayerSchema),
  credentials: Type.Optional(
    Type.Object(
      {
        rotate: Type.Optional(
          Type.String({
            description:
              'Set to a new value (e.g. the current time) to rotate the generated credentials (MQTT password, web login password): the broker account and config.bin change together, and the board needs its config flashed again.',
            maxLength: 63,
          }),
        ),
      },
      { description: 'Generated credentials of the device (kept in the Secret <device>-credentials).' },
    ),
  ),
  rebootRequest: Type.Optional(
    Type.String({
      description: 'Set to a new value (e.g. the current time) to send the device one cmd/reboot; sent only while it is online, recorded in status.reboot.',
      maxLength: 63,
    }),
  ),
});
/** spec of a Device. */
export type DeviceSpec = Static<typeof DeviceSpecSchema>;

/** OTA states a device goes through, as it reports them. */
export const OtaState = {
  /** No update in flight. */
  Idle: 'Idle',
  /** An OTA command was sent and not yet acknowledged. */
  Pending: 'Pending',
  /** The device is downloading the image. */
  Downloading: 'Downloading',
  /** The device is checking sha256 and signature. */
  Verifying: 'Verifying',
  /** The device switched partitions and is rebooting into the new image. */
  Rebooting: 'Rebooting',
  /** The new image booted and reached the broker; it has not marked itself valid yet. */
  PendingVerify: 'PendingVerify',
  /** The device runs the target version, marked it valid, and must stay online for the rollout's healthCheck.minOnlineSeconds. */
  HealthCheck: 'HealthCheck',
  /** The device runs the target version, marked it valid and passed the health check. */
  Succeeded: 'Succeeded',
  /** The update failed before the switch (download, verification); the old image still runs. */
  Failed: 'Failed',
  /** The new image did not confirm itself and the bootloader went back to the old one. */
  RolledBack: 'RolledBack',
} as const;
/** One of the OTA states. */
export type OtaState = (typeof OtaState)[keyof typeof OtaState];

/** OTA states of an attempt still in flight: from the command until the health check is passed. */
export const OTA_IN_FLIGHT_STATES: ReadonlySet<string> = new Set([OtaState.Pending, OtaState.Downloading, OtaState.Verifying, OtaState.Rebooting, OtaState.PendingVerify, OtaState.HealthCheck]);

/** How a finished OTA update ended. */
export const OtaResult = {
  /** The device runs the new version and marked it valid. */
  Succeeded: 'Succeeded',
  /** Download or verification failed; the old version still runs. */
  Failed: 'Failed',
  /** The new version did not confirm itself and the bootloader returned to the old one. */
  RolledBack: 'RolledBack',
} as const;
/** One of the OTA results. */
export type OtaResult = (typeof OtaResult)[keyof typeof OtaResult];

/** Finished OTA attempts kept in Device status.ota.history. */
export const OTA_HISTORY_LENGTH = 10;

/** One finished OTA attempt. */
export const OtaHistoryEntrySchema = Type.Object(
  {
    version: Type.String({ description: 'Version that was attempted.', maxLength: 31 }),
    result: StringEnum(Object.values(OtaResult), { description: 'Succeeded, Failed or RolledBack.' }),
    reason: Type.Optional(Type.String({ description: 'Failure reason (protocol reason, timeout, no-progress, offline).', maxLength: 64 })),
    message: Type.Optional(Type.String({ description: 'What the device said.', maxLength: 1024 })),
    rolloutName: Type.Optional(Type.String({ description: 'The Rollout of the attempt.', maxLength: 253 })),
    commandId: Type.Optional(Type.String({ description: 'id of the OTA command.', maxLength: 64 })),
    time: Type.String({ description: 'When the result was reported.', format: 'date-time' }),
  },
  { description: 'Outcome of one finished update attempt.' },
);
/** One finished OTA attempt. */
export type OtaHistoryEntry = Static<typeof OtaHistoryEntrySchema>;

/** What happened to a reboot request. */
export const RebootResult = {
  /** cmd/reboot was published to the online device. */
  Sent: 'Sent',
  /** The device was not online; nothing was sent (commands are never queued for offline devices). */
  Skipped: 'Skipped',
} as const;
/** One of the reboot results. */
export type RebootResult = (typeof RebootResult)[keyof typeof RebootResult];

/** Where a key of a device's rendered config came from (`status.config.keys[].layer`). */
export const ConfigKeyLayer = {
  /** The DevicesCluster's config.values. */
  Cluster: 'cluster',
  /** The DeviceClass's config.values. */
  Class: 'class',
  /** The default of the key in the class's configSchema (no layer set it). */
  Default: 'default',
  /** A DeviceGroup's config.values (priority tells the order). */
  Group: 'group',
  /** The Device's own config.values. */
  Device: 'device',
  /** A Secret named by some layer's config.secretRefs (referencedBy names that layer). */
  SecretRef: 'secretRef',
  /** Computed by the operator (device_id, MQTT account and topics, OTA key). */
  Generated: 'generated',
} as const;
/** One of the config key layers. */
export type ConfigKeyLayer = (typeof ConfigKeyLayer)[keyof typeof ConfigKeyLayer];

/** One key of the rendered config as the operator recorded it: where it came from, never its value. */
export const RenderedConfigKeySchema = Type.Object({
  key: Type.String({ description: 'NVS key name.', maxLength: 15 }),
  type: Type.Optional(Type.String({ description: 'NVS type written (u8 ... i64, string, blob).', maxLength: 16 })),
  layer: StringEnum(Object.values(ConfigKeyLayer), {
    description: 'Where the value came from: cluster, class, default, group, device, secretRef or generated.',
  }),
  source: Type.String({
    description: 'Name of the object that set the value (the DevicesCluster, DeviceClass, DeviceGroup, Device or Secret); "operator" for generated keys.',
    maxLength: 253,
  }),
  priority: Type.Optional(Type.Integer({ description: 'Priority of the DeviceGroup that set the value.', format: 'int32' })),
  referencedBy: Type.Optional(
    Type.String({ description: 'For secretRef keys: the layer object whose secretRefs named the Secret, as Kind/name.', maxLength: 300 }),
  ),
  secret: Type.Optional(Type.Boolean({ description: 'The value is secret (from a Secret, a secret schema key, or a credential); the UI masks it.' })),
});
/** One key of the rendered config. */
export type RenderedConfigKey = Static<typeof RenderedConfigKeySchema>;

/** status of a Device. */
export const DeviceStatusSchema = Type.Object({
  observedGeneration: Type.Optional(ObservedGeneration()),
  conditions: Type.Optional(Conditions()),
  config: Type.Optional(
    Type.Object(
      {
        secretName: Type.Optional(ObjectName('Secret holding config.bin, config.csv and the MQTT password.')),
        hash: Type.Optional(
          Type.String({ description: 'Hash of every input of the config; the Secret is rewritten only when it changes.', maxLength: 128 }),
        ),
        bytesUsed: Type.Optional(Type.Integer({ description: 'Bytes of the NVS partition in use.', minimum: 0 })),
        partitionSize: Type.Optional(Type.Integer({ description: 'Size of the config partition in bytes.', minimum: 0 })),
        observedGeneration: Type.Optional(ObservedGeneration()),
        keys: Type.Optional(
          Type.Array(RenderedConfigKeySchema, {
            description: 'Every key of the rendered config with the layer and object that set it (never a value). Written when the config hash changes.',
            maxItems: 1024,
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['key'],
          }),
        ),
      },
      { description: 'The compiled configuration.' },
    ),
  ),
  mqtt: Type.Optional(
    Type.Object(
      {
        username: Type.Optional(Type.String({ description: 'Broker account of the device.', maxLength: 256 })),
        topics: Type.Optional(
          Type.Object(
            {
              root: Type.Optional(Type.String({ description: 'Topic root: <topicPrefix>/devices/<deviceId>/.', maxLength: 512 })),
              status: Type.Optional(Type.String({ description: 'Retained status topic.', maxLength: 512 })),
              telemetry: Type.Optional(Type.String({ description: 'Telemetry topic.', maxLength: 512 })),
              commands: Type.Optional(Type.String({ description: 'Topic filter of commands to the device.', maxLength: 512 })),
            },
            { description: 'Topics of the device.' },
          ),
        ),
      },
      { description: 'The device\'s broker account and topics.' },
    ),
  ),
  reported: Type.Optional(
    Type.Object(
      {
        firmwareVersion: Type.Optional(Type.String({ description: 'App version the device runs.', maxLength: 31 })),
        projectName: Type.Optional(Type.String({ description: 'App project name.', maxLength: 31 })),
        mac: Type.Optional(Type.String({ description: 'Base MAC address.', pattern: MAC_ADDRESS_PATTERN })),
        ip: Type.Optional(Type.String({ description: 'IP address (v4 or v6).', maxLength: 45 })),
        rssi: Type.Optional(Type.Integer({ description: 'Wi-Fi signal strength in dBm.', minimum: -127, maximum: 0 })),
        lastSeen: Type.Optional(Type.String({ description: 'When the device last sent anything.', format: 'date-time' })),
        uptimeSeconds: Type.Optional(Type.Integer({ description: 'Seconds since boot at lastSeen.', minimum: 0 })),
        resetReason: Type.Optional(Type.String({ description: 'Why the device last rebooted (esp_reset_reason).', maxLength: 64 })),
        chip: Type.Optional(Type.String({ description: 'ESP-IDF target the firmware runs on (esp32c3, ...).', maxLength: 16 })),
        idfVersion: Type.Optional(Type.String({ description: 'ESP-IDF version the firmware was built with.', maxLength: 32 })),
        imageState: Type.Optional(
          Type.String({ description: 'OTA state of the running image: valid, pending-verify or undefined.', maxLength: 16 }),
        ),
        partition: Type.Optional(Type.String({ description: 'Label of the running app partition (ota_0, ota_1, factory).', maxLength: 16 })),
        offlineReason: Type.Optional(
          Type.String({ description: 'Why the device last went offline: reboot, factory-reset or ota when it said so, lost when its last will fired.', maxLength: 16 }),
        ),
      },
      { description: 'What the device itself reports (coalesced; not every heartbeat is written).' },
    ),
  ),
  credentials: Type.Optional(
    Type.Object(
      {
        secretName: Type.Optional(ObjectName('Secret holding the generated credentials (MQTT password, web login, NVS keys).')),
        rotation: Type.Optional(Type.String({ description: 'The spec.credentials.rotate value the current credentials were generated for.', maxLength: 63 })),
        generatedAt: Type.Optional(Type.String({ description: 'When the current credentials were generated.', format: 'date-time' })),
      },
      { description: 'The generated credentials (never their values).' },
    ),
  ),
  reboot: Type.Optional(
    Type.Object(
      {
        request: Type.String({ description: 'The spec.rebootRequest value this entry answers.', maxLength: 63 }),
        result: StringEnum(Object.values(RebootResult), { description: 'Sent, or Skipped when the device was not online.' }),
        commandId: Type.Optional(Type.String({ description: 'id of the cmd/reboot sent.', maxLength: 64 })),
        time: Type.String({ description: 'When the request was handled.', format: 'date-time' }),
      },
      { description: 'The last handled spec.rebootRequest.' },
    ),
  ),
  ota: Type.Optional(
    Type.Object(
      {
        state: Type.Optional(StringEnum(Object.values(OtaState), { description: 'Where the current attempt is.' })),
        targetVersion: Type.Optional(Type.String({ description: 'Version being installed.', maxLength: 31 })),
        commandId: Type.Optional(Type.String({ description: 'id of the OTA command of the current attempt: <rollout uid>/<attempt>.', maxLength: 64 })),
        rolloutName: Type.Optional(ObjectName('The Rollout that sent the command, if any.')),
        attempt: Type.Optional(Type.Integer({ description: 'Attempt number within the rollout (from 1).', minimum: 1, maximum: 999999 })),
        progress: Type.Optional(Type.Integer({ description: 'Download progress in percent.', minimum: 0, maximum: 100 })),
        bytes: Type.Optional(Type.Integer({ description: 'Bytes downloaded, as last reported.', minimum: 0 })),
        totalBytes: Type.Optional(Type.Integer({ description: 'Size of the image.', minimum: 0 })),
        startTime: Type.Optional(Type.String({ description: 'When the command of this attempt was sent.', format: 'date-time' })),
        updateTime: Type.Optional(Type.String({ description: 'When the state last changed.', format: 'date-time' })),
        healthCheckStartTime: Type.Optional(
          Type.String({ description: 'When the device last came online with the new version marked valid (the health check counts from here).', format: 'date-time' }),
        ),
        retryAfter: Type.Optional(Type.String({ description: 'A retryable failure: the next attempt is sent after this time.', format: 'date-time' })),
        lastError: Type.Optional(
          Type.Object(
            {
              reason: Type.String({ description: 'Protocol failure reason (download-failed, signature-invalid, rollback, ...), or timeout, no-progress, offline.', maxLength: 64 }),
              message: Type.Optional(Type.String({ description: 'What the device or the operator said.', maxLength: 1024 })),
            },
            { description: 'Why the current attempt failed (kept while a retry waits).' },
          ),
        ),
        lastResult: Type.Optional(OtaHistoryEntrySchema),
        history: Type.Optional(
          Type.Array(OtaHistoryEntrySchema, { description: `The last ${OTA_HISTORY_LENGTH} finished attempts, newest first.`, maxItems: OTA_HISTORY_LENGTH }),
        ),
      },
      { description: 'Over-the-air update: the current attempt and the last results (written by the rollout controller).' },
    ),
  ),
});
/** status of a Device. */
export type DeviceStatus = Static<typeof DeviceStatusSchema>;

/** One board: its class, its cluster, its own config layer, and what it reports. */
export type Device = KubeflashObject<'Device', DeviceSpec, DeviceStatus>;

/** Condition types of a Device. */
export const DeviceConditionType = {
  /**
   * True when the config Secret (`status.config.secretName`) holds the NVS image compiled from the current
   * inputs (cluster, class, groups, device, referenced Secrets, MQTT account) and the broker account exists.
   * False when an input is missing or invalid, or the image does not fit the partition.
   */
  ConfigReady: 'ConfigReady',
  /**
   * True when the device's last retained status message says online; False after its offline message or
   * last will; Unknown when it has never connected.
   */
  Online: 'Online',
  /**
   * True when the reported firmware version equals the class's spec.firmware.version; False when it differs
   * (reason UpdateInProgress while an OTA to it runs); Unknown when either is not known.
   */
  FirmwareCurrent: 'FirmwareCurrent',
  /**
   * True when the reported chip equals the class's spec.chip and, if spec.macAddress is set, the reported MAC
   * equals it; False when either differs (the message names both values: a board flashed with another device's
   * config is found at once); Unknown before the first status report.
   */
  IdentityMatches: 'IdentityMatches',
} as const;
/** One of the Device condition types. */
export type DeviceConditionType = (typeof DeviceConditionType)[keyof typeof DeviceConditionType];

/** Reasons of Device conditions (and of the Events that mirror them). */
export const DeviceReason = {
  /** ConfigReady=True: the config Secret is current. */
  ConfigRendered: 'ConfigRendered',
  /** ConfigReady=False: spec.deviceClassRef names no DeviceClass. */
  DeviceClassNotFound: 'DeviceClassNotFound',
  /** ConfigReady=False: spec.devicesClusterRef names no DevicesCluster. */
  DevicesClusterNotFound: 'DevicesClusterNotFound',
  /** ConfigReady=False: a secretRefs entry of some layer names a missing Secret or key. */
  SecretNotFound: 'SecretNotFound',
  /** ConfigReady=False: a value does not fit its key (type, range, length), a required key is missing, or a key is unknown. */
  ConfigInvalid: 'ConfigInvalid',
  /** ConfigReady=False: the entries do not fit the config partition. */
  ConfigTooLarge: 'ConfigTooLarge',
  /** ConfigReady=False: the API server refused writing the config Secret (the message says why); retried with backoff. */
  ConfigWriteFailed: 'ConfigWriteFailed',
  /** ConfigReady=False: the broker refused creating or updating the device's account. */
  BrokerAccountFailed: 'BrokerAccountFailed',
  /** Online=True: the last status message says online. */
  DeviceOnline: 'DeviceOnline',
  /** Online=False: the device said offline or its last will fired. */
  DeviceOffline: 'DeviceOffline',
  /** Online=Unknown: no status message was ever received. */
  NeverSeen: 'NeverSeen',
  /** FirmwareCurrent=True: reported version equals the class version. */
  VersionMatches: 'VersionMatches',
  /** FirmwareCurrent=False: reported version differs and no update to the class version runs. */
  VersionMismatch: 'VersionMismatch',
  /** FirmwareCurrent=False: the device reported while an OTA update to the class version was in flight. */
  UpdateInProgress: 'UpdateInProgress',
  /** FirmwareCurrent=False: runs the version its last OTA update (a Rollout) installed, which is not the class version (no Event: the Rollout records it). */
  InstalledByRollout: 'InstalledByRollout',
  /** FirmwareCurrent=Unknown: the device has not reported a version or the class names none. */
  VersionUnknown: 'VersionUnknown',
  /** IdentityMatches=True: reported chip (and MAC, when spec.macAddress is set) match. */
  IdentityVerified: 'IdentityVerified',
  /** IdentityMatches=False: the reported MAC differs from spec.macAddress. */
  MacMismatch: 'MacMismatch',
  /** IdentityMatches=False: the reported chip differs from the class's spec.chip. */
  ChipMismatch: 'ChipMismatch',
  /** IdentityMatches=Unknown: no status report yet. */
  IdentityUnknown: 'IdentityUnknown',
  /** Event: the device sent messages that break the protocol (counted; at most one Event per device per 10 minutes). */
  InvalidMessages: 'InvalidMessages',
  /** Event: the generated credentials were rotated (spec.credentials.rotate changed). */
  CredentialsRotated: 'CredentialsRotated',
  /** Event: cmd/reboot was sent for spec.rebootRequest. */
  RebootSent: 'RebootSent',
  /** Event: spec.rebootRequest was not sent because the device is not online. */
  RebootSkipped: 'RebootSkipped',
} as const;
/** One of the Device reasons. */
export type DeviceReason = (typeof DeviceReason)[keyof typeof DeviceReason];

/** CRD definition of Device. */
export const deviceDefinition: KindDefinition = {
  names: DeviceResource,
  description:
    'One board: its DeviceClass and DevicesCluster, its own config layer, and what the operator compiled for it ' +
    'and the board reports back.',
  spec: DeviceSpecSchema,
  status: DeviceStatusSchema,
  printerColumns: [
    { name: 'Class', type: 'string', jsonPath: '.spec.deviceClassRef.name', description: 'DeviceClass of the board.' },
    { name: 'Cluster', type: 'string', jsonPath: '.spec.devicesClusterRef.name', description: 'DevicesCluster of the board.' },
    conditionColumn('Online', DeviceConditionType.Online),
    {
      name: 'Firmware',
      type: 'string',
      jsonPath: '.status.reported.firmwareVersion',
      description: 'Firmware version the board reports.',
    },
    { name: 'Last Seen', type: 'date', jsonPath: '.status.reported.lastSeen', description: 'When the board last reported.' },
    conditionColumn('Identity', DeviceConditionType.IdentityMatches, 1),
    conditionColumn('Config', DeviceConditionType.ConfigReady, 1),
    { name: 'MAC', type: 'string', jsonPath: '.status.reported.mac', description: 'Reported MAC address.', priority: 1 },
    { name: 'IP', type: 'string', jsonPath: '.status.reported.ip', description: 'Reported IP address.', priority: 1 },
    { name: 'OTA', type: 'string', jsonPath: '.status.ota.state', description: 'State of the current OTA attempt.', priority: 1 },
    AGE_COLUMN,
  ],
};
