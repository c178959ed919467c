import { CHIP_NAMES, type ChipName } from './types/chip';

/** Default flash offset of the second-stage bootloader (ESP-IDF v5 `BOOTLOADER_OFFSET_IN_FLASH`). */
export function bootloaderOffset(chip: ChipName): number {
  if (chip === 'ESP32' || chip === 'ESP32-S2') return 0x1000;
  if (chip === 'ESP32-C5' || chip === 'ESP32-P4') return 0x2000;
  return 0;
}

/**
 * The chip name for any common spelling: `esp32s3` (DeviceClass, flasher_args.json), `ESP32-S3`
 * (esptool-js, esp-web-tools), `esp32-s3`. Undefined when unknown.
 */
export function normalizeChipName(text: string): ChipName | undefined {
  const key = text.trim().toUpperCase().replace(/[-_\s]/g, '');
  return CHIP_NAMES.find((name) => name.replace(/-/g, '') === key);
}
