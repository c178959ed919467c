import { createHash } from 'node:crypto';
import { buildEspImage, chipIdFromName, encodeAppDescription, parsePartitionCsv, partitionTableToBinary } from '@kubeflash/esp';
import { bootloaderOffset, normalizeChipName } from '@kubeflash/flasher';

/**
 * Demo firmware builds made with the project's own image builder, for `kubeflash dev`, tests and benchmarks:
 * structurally valid ESP-IDF images (header, segments, checksum, appended SHA-256, esp_app_desc_t) that are
 * plainly marked and do NOT boot (entry address 0, code bytes are text). They pass every upload check, so the
 * artifact service, signing, downloads and flashing can be shown without an ESP-IDF builder.
 */

/** The partition table of demo builds: two OTA slots, otadata, nvs, the config partition and nvs_keys. */
export const DEMO_PARTITIONS_CSV = `# kubeflash demo partition table (4 MB flash)
# Name,   Type, SubType,  Offset,   Size
nvs,      data, nvs,      0x9000,   0x4000
otadata,  data, ota,      0xd000,   0x2000
nvs_keys, data, nvs_keys, 0xf000,   0x1000
ota_0,    app,  ota_0,    0x10000,  0x180000
ota_1,    app,  ota_1,    0x190000, 0x180000
config,   data, nvs,      0x310000, 0x8000
`;

/** The marker in every demo image (app and bootloader). */
export const DEMO_MARKER = 'KUBEFLASH DEMO IMAGE - NOT A REAL FIRMWARE - DOES NOT BOOT';

/** One file of a build folder. */
export interface BuildFile {
  /** Path inside the build folder, as flasher_args.json names it. */
  path: string;
  data: Uint8Array;
}

/** A demo ESP-IDF build folder: its files and flasher_args.json. */
export interface DemoBuild {
  files: BuildFile[];
  flasherArgs: Record<string, unknown>;
  /** SHA-256 of the app image (lowercase hex). */
  appSha256: string;
}

/** Options of {@link buildDemoFirmware}. */
export interface DemoBuildOptions {
  /** The class's chip as the API spells it (`esp32c3`). */
  chip: string;
  version: string;
  projectName: string;
  /** Approximate app image size in bytes (default 256 KiB). */
  appSize?: number;
}

function filler(length: number, seed: string): Uint8Array {
  // Deterministic bytes (so the same version always gives the same image and blob).
  const out = new Uint8Array(length);
  let block = createHash('sha256').update(seed).digest();
  for (let at = 0; at < length; at += block.length) {
    out.set(block.subarray(0, Math.min(block.length, length - at)), at);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

/** Builds a demo ESP-IDF build folder for `chip` at `version`. */
export function buildDemoFirmware(options: DemoBuildOptions): DemoBuild {
  const chipId = chipIdFromName(options.chip);
  const chipName = normalizeChipName(options.chip);
  if (chipId === undefined || !chipName) throw new Error(`demo firmware: unknown chip "${options.chip}"`);
  const marker = new TextEncoder().encode(`${DEMO_MARKER}\n${options.projectName} ${options.version} for ${options.chip}\n`);
  const desc = encodeAppDescription({
    projectName: options.projectName,
    version: options.version,
    idfVersion: 'kubeflash-demo',
    time: '00:00:00',
    date: 'Jan  1 2026',
    appElfSha256: createHash('sha256').update(`${options.projectName} ${options.version}`).digest(),
  });
  const appBody = filler(Math.max(4096, (options.appSize ?? 256 * 1024) - desc.length - marker.length - 64) & ~3, `${options.chip}/${options.projectName}/${options.version}`);
  const app = buildEspImage({
    chipId,
    entryAddress: 0,
    segments: [{ loadAddress: 0x3c000020, data: concat(desc, marker, appBody) }],
  });
  const bootloader = buildEspImage({ chipId, entryAddress: 0, segments: [{ loadAddress: 0x3fcd0000, data: concat(marker, filler(8192, `boot/${options.chip}`)) }] });
  const table = partitionTableToBinary(parsePartitionCsv(DEMO_PARTITIONS_CSV));
  const otadata = new Uint8Array(0x2000).fill(0xff);
  const appFile = `${options.projectName}.bin`;
  const boot = bootloaderOffset(chipName);
  const hex = (n: number): string => `0x${n.toString(16)}`;
  return {
    files: [
      { path: 'bootloader/bootloader.bin', data: bootloader },
      { path: 'partition_table/partition-table.bin', data: table },
      { path: 'ota_data_initial.bin', data: otadata },
      { path: appFile, data: app },
    ],
    flasherArgs: {
      write_flash_args: ['--flash_mode', 'dio', '--flash_size', '4MB', '--flash_freq', '80m'],
      flash_settings: { flash_mode: 'dio', flash_size: '4MB', flash_freq: '80m' },
      flash_files: { [hex(boot)]: 'bootloader/bootloader.bin', '0x8000': 'partition_table/partition-table.bin', '0xd000': 'ota_data_initial.bin', '0x10000': appFile },
      bootloader: { offset: hex(boot), file: 'bootloader/bootloader.bin', encrypted: 'false' },
      'partition-table': { offset: '0x8000', file: 'partition_table/partition-table.bin', encrypted: 'false' },
      otadata: { offset: '0xd000', file: 'ota_data_initial.bin', encrypted: 'false' },
      app: { offset: '0x10000', file: appFile, encrypted: 'false' },
      extra_esptool_args: { after: 'hard_reset', before: 'default_reset', stub: true, chip: options.chip },
    },
    appSha256: createHash('sha256').update(app).digest('hex'),
  };
}

/** The parts one after another, zero-padded to a multiple of 4 bytes (segment lengths are word-aligned). */
function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array((parts.reduce((n, p) => n + p.length, 0) + 3) & ~3);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
