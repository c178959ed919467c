import { Type, type Static } from '@sinclair/typebox';
import {
  AGE_COLUMN,
  ConfigLayerSchema,
  Conditions,
  LabelSelector,
  ObservedGeneration,
  conditionColumn,
  resourceNames,
  type KindDefinition,
  type KubeflashObject,
} from './common';

/** Resource names of DeviceGroup. */
export const DeviceGroupResource = resourceNames('DeviceGroup', 'devicegroups', ['kfdg']);

/** spec of a DeviceGroup. */
export const DeviceGroupSpecSchema = Type.Object({
  selector: LabelSelector('Devices (in this namespace) the group applies to; an empty selector matches every Device.'),
  priority: Type.Optional(
    Type.Integer({
      description:
        'Order among the groups of one device: groups apply in ascending priority (ties by name), so the highest wins.',
      default: 0,
      minimum: -1000,
      maximum: 1000,
    }),
  ),
  config: Type.Optional(ConfigLayerSchema),
});
/** spec of a DeviceGroup. */
export type DeviceGroupSpec = Static<typeof DeviceGroupSpecSchema>;

/** status of a DeviceGroup. */
export const DeviceGroupStatusSchema = Type.Object({
  observedGeneration: Type.Optional(ObservedGeneration()),
  matchedDevices: Type.Optional(Type.Integer({ description: 'Number of Devices the selector matches.', minimum: 0 })),
  conditions: Type.Optional(Conditions()),
});
/** status of a DeviceGroup. */
export type DeviceGroupStatus = Static<typeof DeviceGroupStatusSchema>;

/** Devices chosen by labels (a site, a batch, a room) that share configuration. */
export type DeviceGroup = KubeflashObject<'DeviceGroup', DeviceGroupSpec, DeviceGroupStatus>;

/** Condition types of a DeviceGroup. */
export const DeviceGroupConditionType = {
  /** True when every Secret and key named in config.secretRefs exists; False names the first missing one. */
  Ready: 'Ready',
} as const;
/** One of the DeviceGroup condition types. */
export type DeviceGroupConditionType = (typeof DeviceGroupConditionType)[keyof typeof DeviceGroupConditionType];

/** Reasons of DeviceGroup conditions (and of the Events that mirror them). */
export const DeviceGroupReason = {
  /** Ready=True: every referenced Secret and key exists. */
  SecretsResolved: 'SecretsResolved',
  /** Ready=False: a referenced Secret or key is missing. */
  SecretNotFound: 'SecretNotFound',
} as const;
/** One of the DeviceGroup reasons. */
export type DeviceGroupReason = (typeof DeviceGroupReason)[keyof typeof DeviceGroupReason];

/** CRD definition of DeviceGroup. */
export const deviceGroupDefinition: KindDefinition = {
  names: DeviceGroupResource,
  description:
    'Devices chosen by labels (a site, a batch, a room) that share configuration; a device in several groups ' +
    'gets their config layers in ascending priority.',
  spec: DeviceGroupSpecSchema,
  status: DeviceGroupStatusSchema,
  printerColumns: [
    { name: 'Priority', type: 'integer', jsonPath: '.spec.priority', description: 'Layering order.' },
    { name: 'Devices', type: 'integer', jsonPath: '.status.matchedDevices', description: 'Devices matched.' },
    conditionColumn('Ready', DeviceGroupConditionType.Ready),
    AGE_COLUMN,
  ],
};
