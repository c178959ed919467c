import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildEspImage, chipIdFromName } from '@kubeflash/esp';
import { vectorsDir } from '../support/vectors';

export { vectorsDir };

/** Repository root (this file is tests/flasher/support.ts). */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Reads one vector file as bytes. */
export function vector(...path: string[]): Uint8Array {
  return new Uint8Array(readFileSync(join(vectorsDir(), ...path)));
}

/**
 * A structurally valid ESP image (header, one segment, checksum) with deterministic content that compresses
 * about as well as real firmware (code-like runs mixed with noise).
 */
export function makeEspImage(chip: string, size: number, seed: number): Uint8Array {
  const chipId = chipIdFromName(chip);
  if (chipId === undefined) throw new Error(`no image chip id for ${chip}`);
  const data = new Uint8Array(Math.max(256, Math.floor((size - 24 - 8 - 16) / 4) * 4));
  const view = new DataView(data.buffer);
  let state = seed >>> 0 || 1;
  const random = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const words = [0x0000a136, 0x00c1dd2c, 0x4b00e022, 0xff9c0941, 0x0006a022, 0x1cf0c6a2];
  for (let i = 0; i < data.length; i += 4) {
    const r = random();
    view.setUint32(i, r % 3 === 0 ? r : words[r % words.length], true);
  }
  return buildEspImage({
    chipId,
    segments: [{ loadAddress: 0x3f400020, data }],
    entryAddress: 0x40080000,
    flashSizeNibble: 2,
    flashFrequencyNibble: 0,
    maxChipRevisionFull: 0xffff,
    hashAppended: false,
  });
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
