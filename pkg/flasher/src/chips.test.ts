import { bootloaderOffset, normalizeChipName } from './chips';

describe('chip names', () => {
  it.each([
    ['esp32', 'ESP32'],
    ['esp32s3', 'ESP32-S3'],
    ['ESP32-C3', 'ESP32-C3'],
    ['esp32-c61', 'ESP32-C61'],
    ['esp8266', undefined],
  ])('%s -> %s', (text, chip) => {
    expect(normalizeChipName(text)).toBe(chip);
  });

  it('knows where each family keeps its bootloader', () => {
    expect([bootloaderOffset('ESP32'), bootloaderOffset('ESP32-S2'), bootloaderOffset('ESP32-C3'), bootloaderOffset('ESP32-P4')]).toEqual([0x1000, 0x1000, 0, 0x2000]);
  });
});
