/** First byte of every ESP image. */
export const ESP_IMAGE_MAGIC = 0xe9;
/** `esp_image_header_t`: 8-byte common header + 16-byte extended header. */
export const IMAGE_HEADER_LENGTH = 24;
/** `esp_image_segment_header_t`: load address + data length. */
export const SEGMENT_HEADER_LENGTH = 8;
/** ESP-IDF refuses images with more segments than this. */
export const MAX_SEGMENTS = 16;
/** Seed of the XOR checksum over the segment data. */
export const CHECKSUM_SEED = 0xef;
export const SHA256_LENGTH = 32;
/** Magic word of `esp_app_desc_t`. */
export const APP_DESC_MAGIC = 0xabcd5432;
export const APP_DESC_LENGTH = 256;
/** Magic byte of `esp_bootloader_desc_t`. */
export const BOOTLOADER_DESC_MAGIC = 0x50;
export const BOOTLOADER_DESC_LENGTH = 80;

/** Header byte offsets (little-endian fields). */
export const HeaderOffset = {
  magic: 0,
  segmentCount: 1,
  spiMode: 2,
  flashSizeAndFrequency: 3,
  entryAddress: 4,
  wpPin: 8,
  spiPinDrive: 9,
  chipId: 12,
  minChipRevision: 14,
  minChipRevisionFull: 15,
  maxChipRevisionFull: 17,
  hashAppended: 23,
} as const;

/** `esp_app_desc_t` field offsets, relative to the start of the first segment's data. */
export const AppDescOffset = {
  magic: 0,
  secureVersion: 4,
  version: 16,
  projectName: 48,
  time: 80,
  date: 96,
  idfVersion: 112,
  appElfSha256: 144,
  minEfuseBlockRevisionFull: 176,
  maxEfuseBlockRevisionFull: 178,
  mmuPageSizeLog2: 180,
} as const;

/** File offset of the checksum byte for segments ending at `end`: the image is padded to 16 bytes with it. */
export function checksumOffset(end: number): number {
  return end | 0xf;
}
