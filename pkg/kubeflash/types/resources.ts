// Shapes of the kubeflash objects: the operator's API types (one source of truth, generated into the
// CRDs), imported as types only so nothing Node-only enters the bundle. The runtime lists below are
// the closed sets the forms offer.
export type {
  Chip,
  Condition,
  ConfigKey,
  ConfigKeyType,
  ConfigLayer,
  ConfigSchema,
  Device,
  DeviceClass,
  DeviceGroup,
  DevicesCluster,
  Firmware,
  FirmwareArtifact,
  FirmwarePhase,
  FirmwareSource,
  LabelSelector,
  Rollout,
  RolloutPhase,
  SecretConfigRef,
} from '@kubeflash/api';

/** NVS entry types of a configuration key (the operator's ConfigKeyType values). */
export const CONFIG_KEY_TYPES = ['u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'u64', 'i64', 'string', 'blob', 'bool'] as const;

/** Chips a DeviceClass can target (the operator's Chip values). */
export const CHIPS = ['esp32', 'esp32s2', 'esp32s3', 'esp32c3', 'esp32c6', 'esp32h2'] as const;

/** Build phases of a Firmware. */
export const FIRMWARE_PHASES = ['Pending', 'Building', 'Succeeded', 'Failed'] as const;
