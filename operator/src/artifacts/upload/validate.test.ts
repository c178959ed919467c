import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEspImage, chipIdFromName, encodeAppDescription, parsePartitionCsv, partitionTableToBinary } from '@kubeflash/esp';
import { buildDemoFirmware, type DemoBuild } from '../demo-build';
import { stageStream } from '../store/staging';
import type { StagedBlob } from '../store/types';
import { validateUpload, type UploadTarget } from './validate';

const TARGET: UploadTarget = { firmware: 'c3-sensor-1-4-0', deviceClass: 'c3-sensor', chip: 'esp32c3', version: '1.4.0', configLabel: 'config', configSize: 0x6000, encrypted: false };

async function* one(data: Uint8Array): AsyncIterable<Uint8Array> {
  yield data;
}

describe('upload validation', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kubeflash-validate-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function stage(build: DemoBuild, replace: Record<string, Uint8Array> = {}): Promise<Map<string, StagedBlob>> {
    const files = new Map<string, StagedBlob>();
    for (const f of build.files) files.set(f.path, await stageStream(one(replace[f.path] ?? f.data), dir, 1 << 24, f.path));
    return files;
  }
  const demo = (over: Partial<Parameters<typeof buildDemoFirmware>[0]> = {}) => buildDemoFirmware({ chip: 'esp32c3', version: '1.4.0', projectName: 'c3-sensor', ...over });
  const app = (build: DemoBuild) => build.files.find((f) => f.path === 'c3-sensor.bin')?.data as Uint8Array;

  it('accepts a well-formed build and names its artifacts', async () => {
    const build = demo();
    const verdict = await validateUpload(TARGET, build.flasherArgs, await stage(build));
    expect(verdict.ok).toBe(true);
    if (!verdict.ok) return;
    expect(verdict.parts.map((p) => [p.name, p.offset])).toEqual([['bootloader', 0], ['partition-table', 0x8000], ['ota-data-initial', 0xd000], ['app', 0x10000]]);
    expect(verdict.app).toMatchObject({ projectName: 'c3-sensor', version: '1.4.0', idfVersion: 'kubeflash-demo', secureVersion: 0 });
  });

  const table = (csv: string) => partitionTableToBinary(parsePartitionCsv(csv));
  const cases: [string, (b: DemoBuild) => Record<string, Uint8Array>, Partial<UploadTarget>, string][] = [
    ['a truncated app image', (b) => ({ 'c3-sensor.bin': app(b).subarray(0, 100_000) }), {}, 'app image c3-sensor.bin: truncated: header says segment 0 is '],
    ['a corrupt app image (one byte flipped)', (b) => ({ 'c3-sensor.bin': app(b).map((v, i) => (i === 5000 ? v ^ 0x40 : v)) }), {}, 'app image c3-sensor.bin: checksum mismatch: the byte at '],
    ['a file that is not an ESP image', () => ({ 'c3-sensor.bin': new TextEncoder().encode('<html>404</html>') }), {}, 'app image c3-sensor.bin: not an ESP image: first byte is 0x3c (expected 0xE9)'],
    ['an app for another chip', () => ({ 'c3-sensor.bin': app(demo({ chip: 'esp32s3' })) }), {}, 'app image c3-sensor.bin is built for esp32s3, but DeviceClass c3-sensor is esp32c3'],
    ['another version than spec.version', () => ({ 'c3-sensor.bin': app(demo({ version: '1.3.9' })) }), {}, 'app image c3-sensor.bin has version "1.3.9" in its app description, but Firmware c3-sensor-1-4-0 has spec.version "1.4.0"'],
    [
      'an app without the appended SHA-256',
      () => ({ 'c3-sensor.bin': buildEspImage({ chipId: chipIdFromName('esp32c3'), hashAppended: false, segments: [{ loadAddress: 0x3c000020, data: encodeAppDescription({ version: '1.4.0' }) }] }) }),
      {},
      'app image c3-sensor.bin has no appended SHA-256 (ESP-IDF appends one to every app image)',
    ],
    [
      'an app without esp_app_desc_t',
      () => ({ 'c3-sensor.bin': buildEspImage({ chipId: chipIdFromName('esp32c3'), segments: [{ loadAddress: 0x3c000020, data: new Uint8Array(512) }] }) }),
      {},
      'app image c3-sensor.bin has no app description (esp_app_desc_t, magic 0xABCD5432 at offset 0x20): it is not an ESP-IDF app',
    ],
    ['a bootloader for another chip', () => ({ 'bootloader/bootloader.bin': demo({ chip: 'esp32' }).files[0].data }), {}, 'bootloader image bootloader/bootloader.bin is built for esp32, but DeviceClass c3-sensor is esp32c3'],
    ['a damaged partition table', (b) => ({ 'partition_table/partition-table.bin': b.files[1].data.map((v, i) => (i === 40 ? v ^ 1 : v)) }), {}, 'partition table partition_table/partition-table.bin: '],
    ['a table without the class config partition', () => ({}), { configLabel: 'settings' }, 'partition table partition_table/partition-table.bin has no partition labelled "settings", the config partition of DeviceClass c3-sensor (it has: nvs, otadata, nvs_keys, ota_0, ota_1, config)'],
    ['a config partition smaller than the class says', () => ({}), { configSize: 0x10000 }, `partition "config" in partition_table/partition-table.bin is 32768 bytes, smaller than the 65536 bytes of DeviceClass c3-sensor's config partition`],
    [
      'a table with a single app slot',
      () => ({ 'partition_table/partition-table.bin': table('nvs,data,nvs,0x9000,0x4000\notadata,data,ota,0xd000,0x2000\nfactory,app,factory,0x10000,0x100000\nconfig,data,nvs,0x110000,0x8000\n') }),
      {},
      'partition table partition_table/partition-table.bin has 0 OTA app slot(s); OTA updates need two (ota_0 and ota_1)',
    ],
    [
      'OTA slots too small for the app',
      () => ({ 'partition_table/partition-table.bin': table('otadata,data,ota,0xd000,0x2000\nota_0,app,ota_0,0x10000,0x10000\nota_1,app,ota_1,0x20000,0x10000\nconfig,data,nvs,0x30000,0x8000\n') }),
      {},
      'app image c3-sensor.bin (',
    ],
    ['an encrypted class without nvs_keys', (b) => ({ 'partition_table/partition-table.bin': table('nvs,data,nvs,0x9000,0x4000\notadata,data,ota,0xd000,0x2000\nota_0,app,ota_0,0x10000,0x180000\nota_1,app,ota_1,0x190000,0x180000\nconfig,data,nvs,0x310000,0x8000\n') || b.files[1].data }), { encrypted: true }, 'DeviceClass c3-sensor encrypts its config, but partition table partition_table/partition-table.bin has no nvs_keys partition for the keys'],
  ];
  it.each(cases)('rejects %s with a specific message', async (_case, replace, target, message) => {
    const build = demo();
    const verdict = await validateUpload({ ...TARGET, ...target }, build.flasherArgs, await stage(build, replace(build)));
    expect(verdict.ok).toBe(false);
    expect(verdict.ok === false && verdict.message).toContain(message);
  });

  it('rejects a manifest that lists a file the upload lacks, or names no chip', async () => {
    const build = demo();
    const files = await stage(build);
    files.delete('ota_data_initial.bin');
    expect(await validateUpload(TARGET, build.flasherArgs, files)).toEqual({ ok: false, message: 'flasher_args.json lists ota_data_initial.bin, which is not in the upload' });
    const noChip = { ...build.flasherArgs, extra_esptool_args: {} };
    expect(await validateUpload(TARGET, noChip, await stage(build))).toEqual({ ok: false, message: 'flasher_args.json does not name its chip (extra_esptool_args.chip); say which one to flash.' });
  });
});
