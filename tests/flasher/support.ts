import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (this file is tests/flasher/support.ts). */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The shared golden-vector folder; KUBEFLASH_VECTORS overrides it. A missing folder fails the test, never skips it. */
export function vectorsDir(): string {
  const dir = process.env.KUBEFLASH_VECTORS ?? resolve(repoRoot, '../shared/vectors');
  if (!existsSync(join(dir, 'images')) || !existsSync(join(dir, 'nvs'))) {
    throw new Error(`golden vectors not found: looked in ${dir} (set KUBEFLASH_VECTORS to the folder holding images/, nvs/ and partition_table/)`);
  }
  return dir;
}

/** Reads one vector file as bytes. */
export function vector(...path: string[]): Uint8Array {
  return new Uint8Array(readFileSync(join(vectorsDir(), ...path)));
}

/** esp_image_header_t chip ids. */
export const IMAGE_CHIP_ID: Record<string, number> = { ESP32: 0, 'ESP32-S2': 2, 'ESP32-C3': 5, 'ESP32-S3': 9 };

/**
 * A structurally valid ESP image (header, segments, checksum) with deterministic content that compresses
 * about as well as real firmware (code-like runs mixed with noise).
 */
export function makeEspImage(chip: string, size: number, seed: number): Uint8Array {
  const chipId = IMAGE_CHIP_ID[chip];
  if (chipId === undefined) throw new Error(`no image chip id for ${chip}`);
  const segmentLength = Math.max(256, Math.floor((size - 24 - 8 - 16) / 4) * 4);
  const image = new Uint8Array(24 + 8 + segmentLength + 16);
  const view = new DataView(image.buffer);
  image[0] = 0xe9;
  image[1] = 1;
  image[2] = 2; // DIO
  image[3] = 0x20; // 4 MB, 40 MHz
  view.setUint32(4, 0x40080000, true);
  image[8] = 0xee;
  view.setUint16(12, chipId, true);
  view.setUint16(17, 0xffff, true);
  view.setUint32(24, 0x3f400020, true);
  view.setUint32(28, segmentLength, true);
  let state = seed >>> 0 || 1;
  const random = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const words = [0x0000a136, 0x00c1dd2c, 0x4b00e022, 0xff9c0941, 0x0006a022, 0x1cf0c6a2];
  for (let i = 32; i < 32 + segmentLength; i += 4) {
    const r = random();
    view.setUint32(i, r % 3 === 0 ? r : words[r % words.length], true);
  }
  let checksum = 0xef;
  for (let i = 32; i < 32 + segmentLength; i++) checksum ^= image[i];
  image[image.length - 1] = checksum;
  return image;
}

/** Two empty otadata sectors, as ESP-IDF's ota_data_initial.bin. */
export function initialOtadata(): Uint8Array {
  return new Uint8Array(0x2000).fill(0xff);
}

/** key -> value text of an nvs_partition_gen CSV (data rows only). */
export function csvValues(csv: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of csv.split(/\r?\n/).slice(1)) {
    const [key, type, , ...rest] = line.split(',');
    if (!key || type !== 'data') continue;
    values.set(key, rest.join(','));
  }
  return values;
}

/** True when two byte arrays are equal. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a).equals(Buffer.from(b));
}
