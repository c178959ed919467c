export { flashDevice } from './flash';
export { loadEsptool } from './esptool';
export { md5Hex } from './md5';
export {
  FlashError,
  FlashErrorCode,
  InvalidPlanError,
  PortBusyError,
  PortUnavailableError,
  NoResponseError,
  WrongChipError,
  FlashTooSmallError,
  WriteFailedError,
  VerifyMismatchError,
  DisconnectedError,
  FlashCancelledError,
  DeviceError,
} from './errors';
export { validatePlan } from './validate';
export { CHIP_NAMES, type ChipName } from './types/chip';
export { FLASH_MODES, type FlashMode, type FlashPart, type FlashPlan } from './types/plan';
export { FLASH_STAGES, type FlashStage, type FlashProgress } from './types/progress';
export type { FlashOptions, FlashResult, FlashedRegion } from './types/options';
export type { SerialPortLike } from './types/serial-port';
export { readFirmwareManifest, type FirmwareManifest, type ManifestPart } from './manifest';
export { normalizeChipName, bootloaderOffset } from './chips';
export { buildFlashPlan, buildFlashPlanFromManifest, type BuildFlashPlanInput, type DeviceImages, type ManifestPlanOptions } from './plan';
export {
  generateFlashScript,
  shellQuote,
  type FlashScriptInput,
  type ScriptConfigSource,
  type ScriptFirmwarePart,
  type ScriptPartition,
} from './script/flash-script';
export { devicePartitions, type DevicePartitions } from './script/partitions';
export { webToolsManifest, flasherArgsJson, chipFamily, type BuildPart } from './manifest-writer';
