// @kubeflash/virtual-device: a TypeScript device speaking the kubeflash MQTT protocol v1 (docs/mqtt-protocol.md),
// booting from its own config.bin, for `kubeflash dev`, `kubeflash devices simulate`, tests and benchmarks.
export { VirtualDevice, type CommandHandler, type CommandKind, type DeviceState, type VirtualDeviceOptions } from './device';
export { readDeviceConfig, DeviceConfigError, type DeviceConfig } from './config';
export { virtualBoard, macFor, ipFor, type Board } from './board';
export { corrupt, seededRandom, type Faults } from './faults';
export { OtaFailure, OtaStep, downloadImage, verifyImage, type DownloadOptions, type VerifiedImage } from './ota';
