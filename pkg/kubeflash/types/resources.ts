// Shapes of the kubeflash objects as the extension reads them (the parts it uses). The operator's
// TypeBox types (operator/src/api/v1alpha1) are the source of truth; these mirror them so nothing
// Node-only enters the bundle.

/** metav1.ObjectMeta, the fields the extension uses. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  creationTimestamp?: string;
  generation?: number;
  uid?: string;
}

/** metav1.Condition. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/** A reference to keys of a Secret that become configuration values. */
export interface SecretConfigRef {
  name: string;
  keys?: string[];
}

/** One configuration layer (DevicesCluster, DeviceClass, DeviceGroup, Device). */
export interface ConfigLayer {
  values?: Record<string, string>;
  secretRefs?: SecretConfigRef[];
}

/** metav1.LabelSelector. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

/** NVS entry types of a configuration key. */
export const CONFIG_KEY_TYPES = ['u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'u64', 'i64', 'string', 'blob', 'bool'] as const;
/** One NVS entry type. */
export type ConfigKeyType = (typeof CONFIG_KEY_TYPES)[number];

/** One typed key of a class's configSchema. */
export interface ConfigKey {
  name: string;
  type: ConfigKeyType;
  required?: boolean;
  default?: string;
  secret?: boolean;
  description?: string;
  min?: number;
  max?: number;
  maxLength?: number;
}

/** spec.configSchema of a DeviceClass. */
export interface ConfigSchema {
  namespace?: string;
  keys?: ConfigKey[];
  unknownKeys?: 'Reject' | 'PassAsString';
}

/** Chips a DeviceClass can target. */
export const CHIPS = ['esp32', 'esp32s2', 'esp32s3', 'esp32c3', 'esp32c6', 'esp32h2'] as const;
/** One chip. */
export type Chip = (typeof CHIPS)[number];

/** Where firmware comes from. */
export interface FirmwareSource {
  git?: { url: string; ref?: string; path?: string };
  upload?: Record<string, never>;
}

/** A Kubernetes object with spec and status. */
export interface KubeObject<Spec, Status> {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec: Spec;
  status?: Status;
}

/** A site or fleet. */
export type DevicesCluster = KubeObject<{
  mqtt?: { brokerUri?: string; operatorBrokerUri?: string; topicPrefix?: string; caSecretRef?: { name: string; key?: string }; accountManagement?: string; adminSecretRef?: { name: string; key?: string } };
  artifacts?: { publicBaseUrl?: string };
  config?: ConfigLayer;
}, { conditions?: Condition[]; devices?: number }>;

/** A board and firmware type. */
export type DeviceClass = KubeObject<{
  chip: Chip;
  description?: string;
  firmware?: { source?: FirmwareSource; builder?: { image?: string; timeoutSeconds?: number }; version?: string };
  configSchema?: ConfigSchema;
  partitions?: { config?: { label?: string; size?: number } };
  encryption?: string;
  config?: ConfigLayer;
}, { conditions?: Condition[]; firmware?: { name: string; version: string }; devices?: number }>;

/** A label-selected set of devices sharing config. */
export type DeviceGroup = KubeObject<{
  selector?: LabelSelector;
  priority?: number;
  config?: ConfigLayer;
}, { conditions?: Condition[]; matchedDevices?: number }>;

/** What a device reports about itself over MQTT. */
export interface ReportedState {
  firmwareVersion?: string;
  projectName?: string;
  mac?: string;
  ip?: string;
  rssi?: number;
  uptimeSeconds?: number;
  lastSeen?: string;
  resetReason?: string;
}

/** OTA progress of a device. */
export interface OtaStatus {
  state?: string;
  targetVersion?: string;
  progress?: number;
  rolloutName?: string;
  commandId?: string;
  lastResult?: { result?: string; version?: string; message?: string; time?: string };
}

/** One ESP32 board. */
export type Device = KubeObject<{
  deviceClassRef: { name: string };
  devicesClusterRef: { name: string };
  macAddress?: string;
  description?: string;
  config?: ConfigLayer;
}, {
  conditions?: Condition[];
  config?: { secretName?: string; hash?: string; bytesUsed?: number; partitionSize?: number };
  mqtt?: { username?: string; topics?: { root?: string; status?: string; telemetry?: string; commands?: string } };
  reported?: ReportedState;
  ota?: OtaStatus;
}>;

/** One flashable image of a firmware build. */
export interface FirmwareArtifact {
  name: string;
  offset: number;
  size: number;
  sha256: string;
}

/** Build phases of a Firmware. */
export const FIRMWARE_PHASES = ['Pending', 'Building', 'Succeeded', 'Failed'] as const;
/** One build phase. */
export type FirmwarePhase = (typeof FIRMWARE_PHASES)[number];

/** One firmware build of a class at a version. */
export type Firmware = KubeObject<{
  deviceClassRef: { name: string };
  version: string;
  source?: FirmwareSource;
  builder?: { image?: string; timeoutSeconds?: number };
}, {
  phase?: FirmwarePhase;
  jobName?: string;
  startTime?: string;
  completionTime?: string;
  message?: string;
  artifacts?: FirmwareArtifact[];
  app?: { projectName?: string; version?: string; idfVersion?: string; secureVersion?: number; elfSha256?: string };
  conditions?: Condition[];
}>;

/** Rollout phases. */
export const ROLLOUT_PHASES = ['Pending', 'Progressing', 'Paused', 'Succeeded', 'Aborted'] as const;
/** One rollout phase. */
export type RolloutPhase = (typeof ROLLOUT_PHASES)[number];

/** Device counts of a rollout (or one wave of it). */
export interface RolloutCounts {
  total?: number;
  pending?: number;
  inProgress?: number;
  succeeded?: number;
  failed?: number;
}

/** An OTA rollout of one Firmware to the devices a selector matches. */
export type Rollout = KubeObject<{
  firmwareRef: { name: string };
  selector?: LabelSelector;
  strategy?: {
    waves?: number[];
    maxConcurrent?: number;
    deviceTimeoutSeconds?: number;
    abort?: { failurePercent?: number; minFinished?: number };
  };
  paused?: boolean;
}, {
  phase?: RolloutPhase;
  /** Wave in progress, counted from 1; 0 before the first. */
  currentWave?: number;
  counts?: RolloutCounts;
  startTime?: string;
  completionTime?: string;
  message?: string;
  conditions?: Condition[];
}>;
