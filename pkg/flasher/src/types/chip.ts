/** Chip families the flasher accepts, spelled as esptool-js `CHIP_NAME` and esp-web-tools `chipFamily`. */
export const CHIP_NAMES = ['ESP32', 'ESP32-S2', 'ESP32-S3', 'ESP32-C2', 'ESP32-C3', 'ESP32-C5', 'ESP32-C6', 'ESP32-C61', 'ESP32-H2', 'ESP32-P4'] as const;

/** One chip family name. */
export type ChipName = (typeof CHIP_NAMES)[number];
