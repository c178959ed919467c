import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseNvsCsv, type NvsCsvRow } from './csv';
import { nvsOpsFromCsvRows, type NvsCsvBuildOptions } from './from-csv';
import type { NvsKeys } from './keys';
import { transformUsedNvsEntries, writeNvsImage } from './writer';
import { createNvsXtsCipher } from './xts';

export { createNvsXtsCipher };

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
 * Builds an image from one or more CSV files, read one after the other like ESP-IDF's generator does (the
 * namespace state carries over). `file` rows are read relative to their CSV's folder, falling back to the
 * current directory (where ESP-IDF's tool looks), absolute paths as given. Errors name the CSV as given.
 * @throws NvsInputError for bad input; file system errors of the CSV itself propagate
 */
export function buildNvsImageFromCsvFiles(csvPaths: readonly string[], options: Omit<NvsCsvBuildOptions, 'readFile' | 'file'>): Uint8Array {
  const rows = csvPaths.flatMap((csvPath) => parseNvsCsv(readFileSync(csvPath), csvPath));
  const readFile = (path: string, row: NvsCsvRow): Uint8Array => {
    if (isAbsolute(path)) return readFileSync(path);
    const besideCsv = resolve(dirname(resolve(row.file ?? '.')), path);
    return readFileSync(existsSync(besideCsv) ? besideCsv : resolve(path));
  };
  return writeNvsImage(nvsOpsFromCsvRows(rows, readFile), options);
}

/** `buildNvsImageFromCsvFiles` for a single CSV. */
export function buildNvsImageFromCsvFile(csvPath: string, options: Omit<NvsCsvBuildOptions, 'readFile' | 'file'>): Uint8Array {
  return buildNvsImageFromCsvFiles([csvPath], options);
}
