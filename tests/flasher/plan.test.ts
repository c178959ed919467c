import { buildFlashPlan, buildFlashPlanFromManifest, InvalidPlanError, type FlashPart } from '@kubeflash/flasher';
import { initialOtadata, makeEspImage, vector } from './support';

const table = (): Uint8Array => vector('partition_table', '03c_config_nvs_keys', 'output.bin');
const firmware = (chip = 'ESP32'): FlashPart[] => [
  { name: 'bootloader', offset: 0x1000, data: makeEspImage(chip, 20_000, 1) },
  { name: 'partition-table', offset: 0x8000, data: table() },
  { name: 'otadata', offset: 0xd000, data: initialOtadata() },
  { name: 'sensor', offset: 0x10000, data: makeEspImage(chip, 100_000, 2) },
];

describe('buildFlashPlan', () => {
  const config = vector('nvs', '01a_config', 'output.bin');

  it('places config.bin and nvs_keys.bin where the firmware partition table says', () => {
    const keys = vector('nvs', '02a_encrypted_config', 'keys.bin');
    const plan = buildFlashPlan({ chip: 'ESP32', firmware: firmware(), config, nvsKeys: keys, mode: 'full' });
    expect(plan.parts.map((p) => [p.name, p.offset, p.data.length])).toEqual([
      ['bootloader', 0x1000, expect.any(Number)],
      ['partition-table', 0x8000, 0xc00],
      ['otadata', 0xd000, 0x2000],
      ['app', 0x10000, expect.any(Number)],
      ['config', 0x390000, 0x6000],
      ['nvs_keys', 0x396000, 0x1000],
    ]);
  });

  it('config-only holds just the config (padded to the partition with 0xFF)', () => {
    const short = config.subarray(0, 0x3000);
    const plan = buildFlashPlan({ chip: 'ESP32', firmware: firmware(), config: short, mode: 'config-only' });
    expect(plan.parts).toHaveLength(1);
    expect(plan.parts[0]).toMatchObject({ name: 'config', offset: 0x390000 });
    expect(plan.parts[0].data.length).toBe(0x6000);
    expect(plan.parts[0].data.subarray(0x3000).every((b) => b === 0xff)).toBe(true);
  });

  it.each<[string, () => Parameters<typeof buildFlashPlan>[0], RegExp]>([
    ['an unknown config label', () => ({ chip: 'ESP32', firmware: firmware(), config, configPartitionLabel: 'settings', mode: 'full' }), /no partition labelled "settings" \(it has: nvs, otadata, phy_init, ota_0, ota_1, config, nvs_keys\)/],
    ['a config larger than its partition', () => ({ chip: 'ESP32', firmware: firmware(), config: new Uint8Array(0x7000), mode: 'full' }), /config.bin is 28672 bytes, larger than the "config" partition \(24576 bytes\)/],
    ['nvs keys without an nvs_keys partition', () => ({ chip: 'ESP32', firmware: firmware().map((p) => (p.name === 'partition-table' ? { ...p, data: vector('partition_table', '03b_idf_two_ota', 'output.bin') } : p)), config: config.subarray(0, 0x4000), nvsKeys: new Uint8Array(4096), configPartitionLabel: 'nvs', mode: 'full' }), /no nvs_keys partition/],
    ['an app built for another chip', () => ({ chip: 'ESP32', firmware: firmware().map((p) => (p.name === 'sensor' ? { ...p, data: vector('images', 'esp_idf_blink_esp32s2.bin') } : p)), config, mode: 'full' }), /Firmware image sensor is built for ESP32-S2, but the plan is for ESP32/],
    ['an app larger than its slot', () => ({ chip: 'ESP32', firmware: firmware().map((p) => (p.name === 'sensor' ? { ...p, data: makeEspImage('ESP32', 0x1c1000, 3) } : p)), config, mode: 'full' }), /does not fit into partition "ota_0"/],
    ['no partition table', () => ({ chip: 'ESP32', firmware: firmware().filter((p) => p.name !== 'partition-table'), config, mode: 'full' }), /no partition table image/],
  ])('rejects %s', (_what, input, message) => {
    expect(() => buildFlashPlan(input())).toThrow(InvalidPlanError);
    expect(() => buildFlashPlan(input())).toThrow(message);
  });
});

describe('buildFlashPlanFromManifest', () => {
  const files = new Map<string, Uint8Array>(firmware('ESP32-C3').map((p) => [`${p.name}.bin`, p.data]));
  const manifest = { name: 'sensor', builds: [{ chipFamily: 'ESP32-C3', parts: [{ path: 'bootloader.bin', offset: 0 }, { path: 'partition-table.bin', offset: 0x8000 }, { path: 'otadata.bin', offset: 0xd000 }, { path: 'sensor.bin', offset: 0x10000 }] }] };

  it('loads the parts and builds a full plan for the manifest chip', async () => {
    const read: string[] = [];
    const plan = await buildFlashPlanFromManifest(manifest, (path) => (read.push(path), files.get(path) as Uint8Array), { config: vector('nvs', '01a_config', 'output.bin') }, { mode: 'full' });
    expect(plan.chip).toBe('ESP32-C3');
    expect(plan.parts.map((p) => p.name)).toEqual(['bootloader', 'partition-table', 'otadata', 'app', 'config']);
    expect(read).toHaveLength(4);
  });

  it('reads only the partition table for config-only', async () => {
    const read: string[] = [];
    const plan = await buildFlashPlanFromManifest(manifest, (path) => (read.push(path), files.get(path) as Uint8Array), { config: vector('nvs', '01a_config', 'output.bin') }, { mode: 'config-only' });
    expect(read).toEqual(['partition-table.bin']);
    expect(plan.parts.map((p) => [p.name, p.offset])).toEqual([['config', 0x390000]]);
  });
});
