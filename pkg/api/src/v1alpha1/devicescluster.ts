import { Type, type Static } from '@sinclair/typebox';
import {
  AGE_COLUMN,
  ConfigLayerSchema,
  Conditions,
  ObservedGeneration,
  SecretKeyReference,
  LocalObjectReference,
  StringEnum,
  conditionColumn,
  resourceNames,
  type KindDefinition,
  type KubeflashObject,
} from './common';

/** Resource names of DevicesCluster. */
export const DevicesClusterResource = resourceNames('DevicesCluster', 'devicesclusters', ['kfcl']);

/** How the operator administers per-device MQTT accounts and ACLs. */
export const AccountManagement = {
  /** The operator creates clients and roles through the mosquitto dynamic-security plugin. */
  MosquittoDynsec: 'mosquitto-dynsec',
  /** Accounts are managed outside kubeflash; the operator only generates credentials. */
  None: 'none',
} as const;
/** One of the account management modes. */
export type AccountManagement = (typeof AccountManagement)[keyof typeof AccountManagement];

const MQTT_URI_PATTERN = '^mqtts?://(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?)(:[0-9]{1,5})?/?$';

/** spec.mqtt of a DevicesCluster. */
export const MqttSpecSchema = Type.Object(
  {
    brokerUri: Type.String({
      description: 'Broker URI the devices connect to: mqtt://host[:port] or mqtts://host[:port].',
      maxLength: 256,
      pattern: MQTT_URI_PATTERN,
    }),
    operatorBrokerUri: Type.Optional(
      Type.String({
        description: 'Broker URI the operator connects to, when it differs from brokerUri (e.g. an in-cluster Service).',
        maxLength: 256,
        pattern: MQTT_URI_PATTERN,
      }),
    ),
    topicPrefix: Type.Optional(
      Type.String({
        description: 'First topic levels of every device topic (<topicPrefix>/devices/<deviceId>/...); no wildcards.',
        default: 'kubeflash',
        minLength: 1,
        maxLength: 64,
        pattern: '^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$',
      }),
    ),
    caSecretRef: Type.Optional(
      SecretKeyReference('Secret holding the PEM CA certificate devices use to verify an mqtts broker.', 'ca.crt'),
    ),
    accountManagement: Type.Optional(
      StringEnum(Object.values(AccountManagement), {
        description: 'How the operator administers per-device broker accounts: mosquitto-dynsec or none.',
        default: 'none',
      }),
    ),
    adminSecretRef: Type.Optional(
      LocalObjectReference(
        'Secret with keys username and password of the broker admin account (required for mosquitto-dynsec).',
      ),
    ),
    operatorSecretRef: Type.Optional(
      LocalObjectReference(
        'Secret with keys username and password of the account the operator receives device reports with, when accountManagement is none (configure its ACL in the broker). With mosquitto-dynsec the operator creates its own account.',
      ),
    ),
  },
  {
    description: 'The MQTT broker of this fleet.',
    'x-kubernetes-validations': [
      {
        rule: "!has(self.accountManagement) || self.accountManagement != 'mosquitto-dynsec' || has(self.adminSecretRef)",
        message: 'adminSecretRef is required when accountManagement is mosquitto-dynsec',
      },
    ],
  },
);

/** spec of a DevicesCluster. */
export const DevicesClusterSpecSchema = Type.Object({
  mqtt: MqttSpecSchema,
  artifacts: Type.Optional(
    Type.Object(
      {
        publicBaseUrl: Type.String({
          description: 'Base URL devices and browsers download firmware from (OTA and flashing), without a trailing slash.',
          maxLength: 512,
          pattern: '^https?://[^\\s/?#]+(/[^\\s?#]*[^\\s?#/])?$',
        }),
      },
      { description: 'Where artifacts are served; without it no OTA URLs or flash scripts can be produced.' },
    ),
  ),
  config: Type.Optional(ConfigLayerSchema),
});
/** spec of a DevicesCluster. */
export type DevicesClusterSpec = Static<typeof DevicesClusterSpecSchema>;

/** status.broker of a DevicesCluster: how the operator's link to the broker is. */
export const BrokerStatusSchema = Type.Object(
  {
    connected: Type.Boolean({ description: 'The operator is connected with its own account and subscribed to the device reports.' }),
    administered: Type.Optional(
      Type.Boolean({ description: 'mosquitto-dynsec: the admin account is connected and the dynamic-security plugin answers.' }),
    ),
    managedAccounts: Type.Optional(
      Type.Integer({ description: 'Broker accounts the operator manages for this DevicesCluster (its own and one per Device).', minimum: 0 }),
    ),
    protocolVersion: Type.Optional(Type.Integer({ description: 'MQTT protocol level in use: 5, or 4 (3.1.1).', minimum: 3, maximum: 5 })),
    since: Type.Optional(Type.String({ description: 'When the current connection was made, or when it was lost.', format: 'date-time' })),
  },
  { description: 'The operator\'s connection to the broker.' },
);
/** status.broker of a DevicesCluster. */
export type BrokerStatus = Static<typeof BrokerStatusSchema>;

/** status.fleet of a DevicesCluster: what its devices report, counted. */
export const FleetSummarySchema = Type.Object(
  {
    online: Type.Integer({ description: 'Devices whose Online condition is True.', minimum: 0 }),
    offline: Type.Integer({ description: 'Devices that were seen and are offline now.', minimum: 0 }),
    neverSeen: Type.Integer({ description: 'Devices that never reported.', minimum: 0 }),
    firmwareVersions: Type.Optional(
      Type.Array(
        Type.Object({
          version: Type.String({ description: 'Reported firmware version.', maxLength: 31 }),
          devices: Type.Integer({ description: 'Devices reporting it.', minimum: 0 }),
        }),
        { description: 'Reported firmware versions with their device counts, most devices first (at most 20; the rest are left out).', maxItems: 20 },
      ),
    ),
  },
  { description: 'Online, offline and never-seen devices and their firmware versions (refreshed at most every 30 seconds).' },
);
/** status.fleet of a DevicesCluster. */
export type FleetSummary = Static<typeof FleetSummarySchema>;

/** status of a DevicesCluster. */
export const DevicesClusterStatusSchema = Type.Object({
  observedGeneration: Type.Optional(ObservedGeneration()),
  conditions: Type.Optional(Conditions()),
  devices: Type.Optional(
    Type.Integer({ description: 'Number of Devices that reference this DevicesCluster.', minimum: 0 }),
  ),
  broker: Type.Optional(BrokerStatusSchema),
  fleet: Type.Optional(FleetSummarySchema),
});
/** status of a DevicesCluster. */
export type DevicesClusterStatus = Static<typeof DevicesClusterStatusSchema>;

/** A site or fleet: the MQTT broker its devices use, where they download firmware, and fleet-wide config. */
export type DevicesCluster = KubeflashObject<'DevicesCluster', DevicesClusterSpec, DevicesClusterStatus>;

/** Condition types of a DevicesCluster. */
export const DevicesClusterConditionType = {
  /**
   * True when every referenced Secret exists, the operator is connected to the broker with its own account and
   * subscribed to the device reports, and, with mosquitto-dynsec, the admin account is connected and the
   * dynamic-security plugin answers (the message counts the managed accounts); False otherwise (the reason says
   * which).
   */
  Ready: 'Ready',
} as const;
/** One of the DevicesCluster condition types. */
export type DevicesClusterConditionType = (typeof DevicesClusterConditionType)[keyof typeof DevicesClusterConditionType];

/** Reasons of DevicesCluster conditions (and of the Events that mirror them). */
export const DevicesClusterReason = {
  /** Ready=True: Secrets resolved and broker administration (if any) works. */
  Reconciled: 'Reconciled',
  /** Ready=False: caSecretRef, adminSecretRef or a config secretRef names a missing Secret or key. */
  SecretNotFound: 'SecretNotFound',
  /** Ready=False: the operator cannot connect to the broker or the admin account is refused. */
  BrokerUnreachable: 'BrokerUnreachable',
  /** Ready=False: the admin account is connected but the dynamic-security plugin does not answer or refuses its commands. */
  DynamicSecurityUnavailable: 'DynamicSecurityUnavailable',
  /** Ready=Unknown: the operator is connecting to the broker. */
  Connecting: 'Connecting',
} as const;
/** One of the DevicesCluster reasons. */
export type DevicesClusterReason = (typeof DevicesClusterReason)[keyof typeof DevicesClusterReason];

/** CRD definition of DevicesCluster. */
export const devicesClusterDefinition: KindDefinition = {
  names: DevicesClusterResource,
  description:
    'A site or fleet: the MQTT broker its devices use, where they download firmware from, and configuration ' +
    'shared by all of its devices.',
  spec: DevicesClusterSpecSchema,
  status: DevicesClusterStatusSchema,
  printerColumns: [
    { name: 'Broker', type: 'string', jsonPath: '.spec.mqtt.brokerUri', description: 'Broker URI the devices use.' },
    { name: 'Devices', type: 'integer', jsonPath: '.status.devices', description: 'Devices in this cluster.' },
    conditionColumn('Ready', DevicesClusterConditionType.Ready),
    {
      name: 'Accounts',
      type: 'string',
      jsonPath: '.spec.mqtt.accountManagement',
      description: 'How broker accounts are managed.',
      priority: 1,
    },
    {
      name: 'Artifacts',
      type: 'string',
      jsonPath: '.spec.artifacts.publicBaseUrl',
      description: 'Where devices download firmware.',
      priority: 1,
    },
    AGE_COLUMN,
  ],
};
