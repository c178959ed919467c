import { InvalidPlanError } from './errors';
import { readFirmwareManifest } from './manifest';

const espWebTools = {
  name: 'kubeflash sensor',
  version: '1.2.0',
  builds: [
    { chipFamily: 'ESP32-C3', parts: [{ path: 'c3/bootloader.bin', offset: 0 }, { path: 'c3/app.bin', offset: 65536 }] },
    {
      chipFamily: 'ESP32',
      parts: [
        { path: 'bootloader.bin', offset: 4096 },
        { path: 'partition-table.bin', offset: 32768 },
        { path: 'ota_data_initial.bin', offset: 53248 },
        { path: 'sensor.bin', offset: 65536 },
      ],
    },
  ],
};

const flasherArgs = {
  write_flash_args: ['--flash_mode', 'dio', '--flash_size', '4MB', '--flash_freq', '80m'],
  flash_settings: { flash_mode: 'dio', flash_size: '4MB', flash_freq: '80m' },
  flash_files: { '0x10000': 'sensor.bin', '0x0': 'bootloader/bootloader.bin', '0x8000': 'partition_table/partition-table.bin', '0xd000': 'ota_data_initial.bin' },
  bootloader: { offset: '0x0', file: 'bootloader/bootloader.bin', encrypted: 'false' },
  app: { offset: '0x10000', file: 'sensor.bin', encrypted: 'false' },
  'partition-table': { offset: '0x8000', file: 'partition_table/partition-table.bin', encrypted: 'false' },
  otadata: { offset: '0xd000', file: 'ota_data_initial.bin', encrypted: 'false' },
  extra_esptool_args: { after: 'hard_reset', before: 'default_reset', stub: true, chip: 'esp32c3' },
};

describe('readFirmwareManifest', () => {
  it('reads the chosen build of an esp-web-tools manifest and names its parts', () => {
    expect(readFirmwareManifest(espWebTools, 'ESP32')).toEqual({
      chip: 'ESP32',
      name: 'kubeflash sensor',
      version: '1.2.0',
      parts: [
        { name: 'bootloader', offset: 0x1000, path: 'bootloader.bin' },
        { name: 'partition-table', offset: 0x8000, path: 'partition-table.bin' },
        { name: 'otadata', offset: 0xd000, path: 'ota_data_initial.bin' },
        { name: 'sensor', offset: 0x10000, path: 'sensor.bin' },
      ],
    });
  });

  it('asks which chip when a manifest has builds for several', () => {
    expect(() => readFirmwareManifest(espWebTools)).toThrow(/several chips \(ESP32-C3, ESP32\)/);
    expect(() => readFirmwareManifest(espWebTools, 'ESP32-S3')).toThrow('The manifest has no build for ESP32-S3 (it has: ESP32-C3, ESP32).');
  });

  it('reads flasher_args.json with hex offsets, image names and the chip', () => {
    expect(readFirmwareManifest(flasherArgs)).toEqual({
      chip: 'ESP32-C3',
      parts: [
        { name: 'bootloader', offset: 0, path: 'bootloader/bootloader.bin' },
        { name: 'partition-table', offset: 0x8000, path: 'partition_table/partition-table.bin' },
        { name: 'otadata', offset: 0xd000, path: 'ota_data_initial.bin' },
        { name: 'app', offset: 0x10000, path: 'sensor.bin' },
      ],
    });
    expect(() => readFirmwareManifest(flasherArgs, 'ESP32')).toThrow('flasher_args.json is a build for ESP32-C3, not ESP32.');
  });

  it('rejects JSON that is neither format, and bad offsets', () => {
    expect(() => readFirmwareManifest({ hello: 1 })).toThrow(InvalidPlanError);
    const bad = { builds: [{ chipFamily: 'ESP32', parts: [{ path: 'a.bin', offset: '12k' }] }] };
    expect(() => readFirmwareManifest(bad)).toThrow('The offset of part a.bin is not a valid number: "12k".');
  });
});
