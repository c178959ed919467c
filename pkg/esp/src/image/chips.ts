/** Chip ids of the image extended header (ESP-IDF `esp_chip_id_t`) and their names. */
export const ESP_CHIP_IDS: Readonly<Record<number, string>> = {
  0: 'esp32',
  2: 'esp32s2',
  5: 'esp32c3',
  9: 'esp32s3',
  12: 'esp32c2',
  13: 'esp32c6',
  16: 'esp32h2',
  18: 'esp32p4',
  20: 'esp32c61',
  23: 'esp32c5',
  25: 'esp32h21',
  28: 'esp32h4',
};

/** Name of a chip id, or undefined when unknown. */
export function chipName(chipId: number): string | undefined {
  return ESP_CHIP_IDS[chipId];
}

/** Chip id of a chip name (`esp32s3`), or undefined. */
export function chipIdFromName(name: string): number | undefined {
  const key = name.toLowerCase().replace(/-/g, '');
  const found = Object.entries(ESP_CHIP_IDS).find(([, chip]) => chip === key);
  return found ? Number(found[0]) : undefined;
}

export const SPI_MODE_NAMES: readonly string[] = ['qio', 'qout', 'dio', 'dout', 'fast_read', 'slow_read'];

const FLASH_SIZES: readonly string[] = ['1MB', '2MB', '4MB', '8MB', '16MB', '32MB', '64MB', '128MB'];

/** Flash size encoded in the high nibble of header byte 3. */
export function flashSizeName(nibble: number): string | undefined {
  return FLASH_SIZES[nibble];
}

const DEFAULT_FREQUENCIES: Readonly<Record<number, string>> = { 0xf: '80m', 0x0: '40m', 0x1: '26m', 0x2: '20m' };
// Chips whose flash clock is not derived the ESP32 way (esptool's per-target FLASH_FREQUENCY tables).
const FREQUENCIES_BY_CHIP: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  esp32c2: { 0xf: '60m', 0x0: '30m', 0x1: '20m', 0x2: '15m' },
  esp32h2: { 0xf: '48m', 0x0: '24m', 0x1: '16m', 0x2: '12m' },
  esp32c5: { 0xf: '80m', 0x0: '40m', 0x2: '20m' },
  esp32c6: { 0xf: '80m', 0x0: '40m', 0x2: '20m' },
  esp32c61: { 0xf: '80m', 0x0: '40m', 0x2: '20m' },
  esp32p4: { 0xf: '80m', 0x0: '40m', 0x2: '20m' },
};

/** Flash frequency encoded in the low nibble of header byte 3, for the given chip. */
export function flashFrequencyName(nibble: number, chip: string | undefined): string | undefined {
  if (chip === undefined) return undefined;
  return (FREQUENCIES_BY_CHIP[chip] ?? DEFAULT_FREQUENCIES)[nibble];
}

/** Formats a major*100+minor chip revision as `v3.1`. */
export function formatChipRevision(full: number): string {
  return `v${Math.floor(full / 100)}.${full % 100}`;
}
