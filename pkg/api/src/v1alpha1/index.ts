// Public API of kubeflash.dev/v1alpha1: schemas, static types and constants of every kind.
import type { KindDefinition } from './common';
import { devicesClusterDefinition } from './devicescluster';
import { deviceClassDefinition } from './deviceclass';
import { deviceGroupDefinition } from './devicegroup';
import { deviceDefinition } from './device';
import { firmwareDefinition } from './firmware';
import { rolloutDefinition } from './rollout';

export * from './common';
export * from './devicescluster';
export * from './deviceclass';
export * from './devicegroup';
export * from './device';
export * from './firmware';
export * from './rollout';

/** Every kind of the group, in the order the CRDs and the reference doc list them. */
export const KIND_DEFINITIONS: readonly KindDefinition[] = [
  devicesClusterDefinition,
  deviceClassDefinition,
  deviceGroupDefinition,
  deviceDefinition,
  firmwareDefinition,
  rolloutDefinition,
];
