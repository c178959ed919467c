export type { AppDescription, AppImageInfo, BootloaderDescription, ImageCheck, ImageSegment } from './types';
export { EspImageError, type EspImageErrorKind } from './errors';
export { chipIdFromName, chipName, ESP_CHIP_IDS, flashFrequencyName, flashSizeName, formatChipRevision } from './chips';
export { APP_DESC_MAGIC, ESP_IMAGE_MAGIC } from './layout';
export { readAppImageInfo, type ReadAppImageOptions } from './reader';
export { buildEspImage, encodeAppDescription, type AppDescriptionSpec, type EspImageSpec } from './builder';
