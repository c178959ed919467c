import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Command } from 'commander';
import {
  checkPartitionTableFitsFlash,
  parseNumberField,
  parsePartitionCsv,
  parsePartitionTableBinary,
  PartitionTableError,
  partitionTableToBinary,
  partitionTableToCsv,
  verifyPartitionTable,
} from '@kubeflash/esp';
import { UsageError } from '@kubeflash/operator/cli';

interface ToCsvOptions {
  offset: string;
  /** false with --no-verify. */
  verify: boolean;
}
interface ToBinOptions extends ToCsvOptions {
  flashSize?: string;
}

/**
 * `kubeflash partitions to-bin|to-csv`: ESP partition tables, byte-identical to ESP-IDF's gen_esp32part.py
 * (same checks, same `--flash-size` check, same CSV dump).
 */
export function registerPartitionsCommand(program: Command): void {
  const partitions = program.command('partitions').description('ESP partition tables: CSV <-> binary (as ESP-IDF gen_esp32part.py)');
  partitions
    .command('to-bin <csv> <out.bin>')
    .description('convert a partition CSV to the 0xC00-byte binary table')
    .option('--flash-size <size>', 'fail if a partition ends beyond this flash size (4MB, 16M, 0x400000, 4194304)')
    .option('--offset <offset>', 'flash offset of the partition table (hex or decimal)', '0x8000')
    .option('--no-verify', 'skip the table checks (alignment, overlaps, otadata and NVS sizes, unique names)')
    .action((csvPath: string, outPath: string, options: ToBinOptions) => {
      const tableOffset = parseSizeOption(options.offset, '--offset');
      const flashSize = options.flashSize === undefined ? undefined : parseFlashSize(options.flashSize);
      const table = withFile(csvPath, () =>
        parsePartitionCsv(readText(csvPath), {
          tableOffset,
          verify: options.verify,
          variables: process.env,
          onWarning: (message) => process.stderr.write(`kubeflash: warning: ${csvPath}: ${message}\n`),
        }),
      );
      withFile(csvPath, () => flashSize !== undefined && checkPartitionTableFitsFlash(table, flashSize));
      writeFileAtomic(outPath, withFile(csvPath, () => partitionTableToBinary(table)));
      process.stdout.write(`${outPath}: ${table.entries.length} partitions\n`);
    });
  partitions
    .command('to-csv <in.bin> [out.csv]')
    .description('convert a binary partition table to CSV (printed unless out.csv is given)')
    .option('--offset <offset>', 'flash offset of the partition table (hex or decimal)', '0x8000')
    .option('--no-verify', 'skip the table checks (alignment, overlaps, otadata and NVS sizes, unique names)')
    .action((binPath: string, outPath: string | undefined, options: ToCsvOptions) => {
      const tableOffset = parseSizeOption(options.offset, '--offset');
      const table = withFile(binPath, () => parsePartitionTableBinary(readBytes(binPath)));
      if (options.verify) withFile(binPath, () => verifyPartitionTable(table, { tableOffset }));
      const csv = partitionTableToCsv(table);
      if (outPath === undefined) process.stdout.write(csv);
      else writeFileAtomic(outPath, csv);
    });
}

/** Runs `action`, turning partition table errors into one-line usage errors naming the file. */
function withFile<T>(path: string, action: () => T): T {
  try {
    return action();
  } catch (err) {
    if (err instanceof PartitionTableError) throw new UsageError(`${path}: ${err.message}`);
    throw err;
  }
}

/** Reads a size or offset option: decimal, 0x hex, or with a K/M suffix. */
export function parseSizeOption(text: string, option: string): number {
  let value: number;
  try {
    value = parseNumberField(text.trim());
  } catch {
    throw new UsageError(`${option} must be a number (decimal, 0x hex, or with a K/M suffix), got "${text}"`);
  }
  if (value < 0) throw new UsageError(`${option} must not be negative, got "${text}"`);
  return value;
}

function parseFlashSize(text: string): number {
  const bytes = parseSizeOption(text.trim().replace(/([kKmM])[bB]$/, '$1'), '--flash-size');
  if (bytes < 0x10000) throw new UsageError(`--flash-size ${text} is only ${bytes} bytes; write it with a unit, e.g. 4MB`);
  return bytes;
}

function readBytes(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function readText(path: string): string {
  return new TextDecoder().decode(readBytes(path));
}

/** Writes through a temporary file in the same folder and a rename, so a failure leaves no partial output. */
function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, data, { flag: 'wx' });
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw new UsageError(`cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
