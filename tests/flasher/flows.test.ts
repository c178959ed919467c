import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findPartition, parseNvsImage, parsePartitionTableBinary } from '@kubeflash/esp';
import { buildFlashPlan, flashDevice, type FlashMode, type FlashPart, type FlashPlan, type FlashProgress } from '@kubeflash/flasher';
import { createSimulator, SECTOR_SIZE, type Simulator } from '@kubeflash/flasher/simulator';
import { csvValues, initialOtadata, makeEspImage, sameBytes, vector, vectorsDir } from './support';

// Firmware with the vector partition table 03c_config_nvs_keys (two OTA slots + config + nvs_keys). The plan
// builder takes the config offsets from it; the test reads them independently with the esp package's parser.
const PARTITION_TABLE = 'partition_table/03c_config_nvs_keys/output.bin';
const table = parsePartitionTableBinary(vector(PARTITION_TABLE));
const partition = (label: string): { offset: number; size: number } => {
  const entry = findPartition(table, { label });
  if (!entry) throw new Error(`vector table has no ${label} partition`);
  return { offset: entry.offset, size: entry.size };
};
const CONFIG_PARTITION = partition('config');
const NVS_KEYS_PARTITION = partition('nvs_keys');

interface ChipCase {
  chip: 'ESP32' | 'ESP32-S2' | 'ESP32-S3' | 'ESP32-C3';
  bootloaderOffset: number;
  /** Real images from the vectors where one exists for this chip; synthetic ones otherwise. */
  bootloader: () => Uint8Array;
  app: () => Uint8Array;
}

const cases: ChipCase[] = [
  { chip: 'ESP32', bootloaderOffset: 0x1000, bootloader: () => vector('images', 'bootloader_esp32_v5_2.bin'), app: () => makeEspImage('ESP32', 160_000, 1) },
  { chip: 'ESP32-S3', bootloaderOffset: 0x0, bootloader: () => makeEspImage('ESP32-S3', 20_000, 2), app: () => makeEspImage('ESP32-S3', 160_000, 3) },
  { chip: 'ESP32-C3', bootloaderOffset: 0x0, bootloader: () => vector('images', 'bootloader_esp32c3.bin'), app: () => makeEspImage('ESP32-C3', 160_000, 4) },
  { chip: 'ESP32-S2', bootloaderOffset: 0x1000, bootloader: () => makeEspImage('ESP32-S2', 20_000, 5), app: () => vector('images', 'esp_idf_blink_esp32s2.bin') },
];

function firmwareParts(c: ChipCase): FlashPart[] {
  return [
    { name: 'bootloader', offset: c.bootloaderOffset, data: c.bootloader() },
    { name: 'partition-table', offset: 0x8000, data: vector(PARTITION_TABLE) },
    { name: 'otadata', offset: 0xd000, data: initialOtadata() },
    { name: 'app', offset: 0x10000, data: c.app() },
  ];
}

function planFor(c: ChipCase, mode: FlashMode, config: Uint8Array, nvsKeys?: Uint8Array): FlashPlan {
  return buildFlashPlan({ chip: c.chip, firmware: firmwareParts(c), config, nvsKeys, mode });
}

function expectPartsInFlash(sim: Simulator, parts: FlashPart[]): void {
  for (const part of parts) {
    const inFlash = sim.device.flash.read(part.offset, part.data.length);
    expect({ part: part.name, equal: sameBytes(inFlash, part.data) }).toEqual({ part: part.name, equal: true });
  }
}

function expectResetIntoApp(sim: Simulator): void {
  const boots = sim.device.boots;
  expect(boots[0].mode).toBe('rom');
  expect(boots[boots.length - 1].mode).toBe('app');
  expect(sim.device.mode).toBe('app');
  const last = sim.device.signals[sim.device.signals.length - 1];
  expect(last).toMatchObject({ en: true, io0: true });
}

function sectorsOf(range: { offset: number; size: number }): number[] {
  const first = range.offset / SECTOR_SIZE;
  return Array.from({ length: Math.ceil(range.size / SECTOR_SIZE) }, (_, i) => first + i);
}

describe('flashDevice against the ROM-loader simulator', () => {
  it('finds the golden vectors', () => {
    expect(vectorsDir()).toBeTruthy();
  });

  describe.each(cases)('$chip', (c) => {
    const config = vector('nvs', '01a_config', 'output.bin');

    it('full install writes every part byte-for-byte, verifies by MD5 and resets into the app', async () => {
      const sim = createSimulator({ chip: c.chip });
      const plan = planFor(c, 'full', config);
      const parts = plan.parts;
      expect(parts.map((p) => [p.name, p.offset])).toEqual([
        ['bootloader', c.bootloaderOffset],
        ['partition-table', 0x8000],
        ['otadata', 0xd000],
        ['app', 0x10000],
        ['config', CONFIG_PARTITION.offset],
      ]);
      const events: FlashProgress[] = [];
      const result = await flashDevice(sim.port, plan, { onProgress: (p) => events.push(p) });

      expectPartsInFlash(sim, parts);
      expectResetIntoApp(sim);
      expect(result.chip).toBe(c.chip);
      expect(result.regions.map((r) => r.name)).toEqual(parts.map((p) => p.name));
      const ops = sim.device.trace.filter((t) => t.mode === 'stub').map((t) => t.name);
      expect(ops).toContain('FLASH_DEFL_DATA');
      expect(ops).not.toContain('FLASH_DATA');
      expect(ops.filter((o) => o === 'SPI_FLASH_MD5')).toHaveLength(parts.length);
      expect(sim.device.trace.some((t) => t.name === 'CHANGE_BAUDRATE')).toBe(true);

      expect(events[events.length - 1]).toMatchObject({ stage: 'done', percent: 100 });
      const percents = events.map((e) => e.percent);
      expect(percents).toEqual([...percents].sort((a, b) => a - b));
      expect(events.filter((e) => e.stage === 'verifying').map((e) => e.region)).toEqual(parts.map((p) => p.name));

      const values = new Map(parseNvsImage(sim.device.flash.read(CONFIG_PARTITION.offset, CONFIG_PARTITION.size)).values.map((v) => [v.key, String(v.value)]));
      const csv = readFileSync(join(vectorsDir(), 'nvs', '01a_config', 'input.csv'), 'utf8');
      expect(values).toEqual(csvValues(csv));
    });

    it('config-only rewrites just the config and nvs_keys sectors, much faster than a full install', async () => {
      const sim = createSimulator({ chip: c.chip });
      await flashDevice(sim.port, planFor(c, 'full', config));
      const fullSeconds = sim.simulatedSeconds();
      const fullHostBytes = sim.device.bytesFromHost;
      const before = sim.device.flash.read(0, sim.device.flash.size);
      sim.device.flash.clearTouched();

      const newConfig = vector('nvs', '02a_encrypted_config', 'output.bin');
      const keys = vector('nvs', '02a_encrypted_config', 'keys.bin');
      const plan = planFor(c, 'config-only', newConfig, keys);
      expect(plan.parts.map((p) => [p.name, p.offset])).toEqual([['config', CONFIG_PARTITION.offset], ['nvs_keys', NVS_KEYS_PARTITION.offset]]);
      await flashDevice(sim.port, plan);

      expectPartsInFlash(sim, plan.parts);
      expectResetIntoApp(sim);
      const allowed = new Set([...sectorsOf(CONFIG_PARTITION), ...sectorsOf(NVS_KEYS_PARTITION)]);
      expect([...sim.device.flash.touchedSectors].filter((s) => !allowed.has(s))).toEqual([]);
      const after = sim.device.flash.bytes;
      for (const range of [{ offset: 0, size: CONFIG_PARTITION.offset }, { offset: NVS_KEYS_PARTITION.offset + NVS_KEYS_PARTITION.size, size: 0 }]) {
        const end = range.size > 0 ? range.offset + range.size : after.length;
        expect(sameBytes(after.subarray(range.offset, end), before.subarray(range.offset, end))).toBe(true);
      }
      const configSeconds = sim.simulatedSeconds() - fullSeconds;
      const configHostBytes = sim.device.bytesFromHost - fullHostBytes;
      expect(configSeconds).toBeLessThan(fullSeconds / 2);
      expect(configHostBytes).toBeLessThan(fullHostBytes / 4);
    });

    it('erase-all erases the whole chip first, so nothing stale survives outside the written parts', async () => {
      const sim = createSimulator({ chip: c.chip, initialFill: 0x00 });
      const plan = planFor(c, 'erase-all', config);
      const parts = plan.parts;
      await flashDevice(sim.port, plan);
      expectPartsInFlash(sim, parts);
      expectResetIntoApp(sim);
      expect(sim.device.trace.filter((t) => t.name === 'ERASE_FLASH')).toHaveLength(1);
      const covered = new Uint8Array(sim.device.flash.size);
      for (const p of parts) covered.fill(1, p.offset, p.offset + p.data.length);
      const stale = sim.device.flash.bytes.findIndex((b, i) => covered[i] === 0 && b !== 0xff);
      expect(stale).toBe(-1);
    });
  });
});
