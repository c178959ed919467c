import { createCipheriv, createDecipheriv } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { buildNvsImageFromCsv, type NvsCsvBuildOptions } from './from-csv';
import { nvsXtsKey, type NvsKeys } from './keys';
import type { NvsEntryCipher } from './types';
import { transformUsedNvsEntries } from './writer';

/**
 * XTS-AES-256 for one 32-byte NVS entry, as ESP-IDF's generator and firmware use it: key = eky|tky, tweak =
 * the entry's partition offset as u32 little-endian followed by 12 zero bytes. Node only (`aes-256-xts`).
 */
export function createNvsXtsCipher(keys: NvsKeys, direction: 'encrypt' | 'decrypt'): NvsEntryCipher {
  const key = nvsXtsKey(keys);
  const tweak = new Uint8Array(16);
  const tweakView = new DataView(tweak.buffer);
  const create = direction === 'encrypt' ? createCipheriv : createDecipheriv;
  return (entry, address) => {
    tweakView.setUint32(0, address, true);
    const cipher = create('aes-256-xts', key, tweak);
    const out = cipher.update(entry);
    cipher.final();
    return out;
  };
}

/** Encrypts a plain NVS image (every used entry; headers and bitmaps stay plaintext). Returns a new buffer. */
export function encryptNvsImage(plain: Uint8Array, keys: NvsKeys): Uint8Array {
  const out = new Uint8Array(plain);
  transformUsedNvsEntries(out, createNvsXtsCipher(keys, 'encrypt'));
  return out;
}

/** Decrypts an encrypted NVS image into the plain image (what ESP-IDF's `decrypt` writes). Returns a new buffer. */
export function decryptNvsImage(encrypted: Uint8Array, keys: NvsKeys): Uint8Array {
  const out = new Uint8Array(encrypted);
  transformUsedNvsEntries(out, createNvsXtsCipher(keys, 'decrypt'));
  return out;
}

/**
 * Builds an image from a CSV file; `file` rows are read relative to the CSV's folder (absolute paths as given).
 * @throws NvsInputError for bad input; file system errors of the CSV itself propagate
 */
export function buildNvsImageFromCsvFile(csvPath: string, options: Omit<NvsCsvBuildOptions, 'readFile'>): Uint8Array {
  const csv = readFileSync(csvPath);
  const base = dirname(resolve(csvPath));
  return buildNvsImageFromCsv(csv, {
    ...options,
    readFile: (path) => readFileSync(isAbsolute(path) ? path : resolve(base, path)),
  });
}
