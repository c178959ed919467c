import {
  DEFAULT_PARTITION_TABLE_OFFSET,
  MAX_PARTITION_ENTRIES,
  NVS_READ_WRITE_MIN_SIZE,
  OFFSET_ALIGNMENT,
  OTADATA_SIZE,
  PARTITION_SUBTYPES,
  PARTITION_TABLE_SECTOR_SIZE,
  PartitionType,
} from './constants';
import { PartitionTableError } from './errors';
import { hex } from './numbers';
import type { PartitionEntry, PartitionTable } from './types';

/** Secure boot version, as gen_esp32part.py's `--secure`. */
export type SecureBootVersion = 'v1' | 'v2';

/** Options of {@link verifyPartitionTable}. */
export interface VerifyPartitionTableOptions {
  /** Flash offset of the partition table; no partition may start inside its sector. Default 0x8000. */
  tableOffset?: number;
  /** Secure boot version; v1 requires app sizes aligned to 0x10000. */
  secure?: SecureBootVersion | undefined;
  /** CSV line of each entry (same order), used in error messages. */
  lines?: readonly number[];
}

const DATA = PartitionType.data;
const dataSubtype = (name: string): number => PARTITION_SUBTYPES[DATA]?.[name] as number;
const U32_LIMIT = 2 ** 32;

/**
 * Runs gen_esp32part.py's table checks: alignment (app offsets 0x10000, others 0x1000; app sizes 0x1000),
 * otadata/coredump never readonly, NVS below 0x3000 must be readonly, unique names, nothing inside the
 * partition table sector, no overlaps, one otadata of exactly 0x2000 bytes (same for TEE otadata), and at
 * most 94 entries. Also rejects values the binary format cannot hold.
 * @throws PartitionTableError naming the partition (and CSV line when `lines` is given).
 */
export function verifyPartitionTable(table: PartitionTable, options: VerifyPartitionTableOptions = {}): void {
  const tableOffset = options.tableOffset ?? DEFAULT_PARTITION_TABLE_OFFSET;
  const { entries } = table;
  const contextOf = (entry: PartitionEntry) => ({ line: options.lines?.[entries.indexOf(entry)], partition: entry.label });
  const fail = (entry: PartitionEntry, message: string): never => {
    throw new PartitionTableError(message, contextOf(entry));
  };

  for (const entry of entries) verifyEntry(entry, options.secure, (message) => fail(entry, message));

  const seen = new Map<string, PartitionEntry>();
  for (const entry of entries) {
    const first = seen.get(entry.label);
    if (first) {
      const firstLine = options.lines?.[entries.indexOf(first)];
      fail(entry, `the name is used twice${firstLine === undefined ? '' : ` (first on line ${firstLine})`}; partition names must be unique`);
    }
    seen.set(entry.label, entry);
  }

  const tableEnd = tableOffset + PARTITION_TABLE_SECTOR_SIZE;
  let last: PartitionEntry | undefined;
  for (const entry of [...entries].sort((a, b) => a.offset - b.offset)) {
    const isPrimary = entry.subtype === 0 && (entry.type === PartitionType.bootloader || entry.type === PartitionType.partition_table);
    if (entry.offset < tableEnd && !isPrimary) {
      fail(entry, `offset ${hex(entry.offset)} is below ${hex(tableEnd)}, the end of the partition table sector at ${hex(tableOffset)}`);
    }
    if (last && entry.offset < last.offset + last.size) {
      fail(entry, `partitions overlap: offset ${hex(entry.offset)} is inside "${last.label}" (${hex(last.offset)}-${hex(last.offset + last.size - 1)})`);
    }
    last = entry;
  }

  for (const [subtypeName, what] of [['ota', 'otadata'], ['tee_ota', 'TEE otadata']] as const) {
    const found = entries.filter((e) => e.type === DATA && e.subtype === dataSubtype(subtypeName));
    if (found.length > 1) {
      fail(found[1] as PartitionEntry, `only one ${what} partition (type data, subtype ${subtypeName}) is allowed; "${found[0]?.label}" is another`);
    }
    const only = found[0];
    if (only && only.size !== OTADATA_SIZE) fail(only, `an ${what} partition must be exactly ${hex(OTADATA_SIZE)} bytes, not ${hex(only.size)}`);
  }

  if (entries.length > MAX_PARTITION_ENTRIES) {
    throw new PartitionTableError(
      `too many partitions: ${entries.length}; a table holds at most ${MAX_PARTITION_ENTRIES} (0xc00 bytes including the MD5 row)`,
    );
  }
}

function verifyEntry(entry: PartitionEntry, secure: SecureBootVersion | undefined, fail: (message: string) => never): void {
  for (const [name, value, max] of [['type', entry.type, 0xff], ['subtype', entry.subtype, 0xff]] as const) {
    if (!Number.isInteger(value) || value < 0 || value > max) fail(`${name} ${value} is outside 0..${hex(max)}`);
  }
  if (!Number.isInteger(entry.offset) || entry.offset < 0 || entry.offset >= U32_LIMIT) fail(`offset ${hex(entry.offset)} does not fit in 32 bits`);
  if (!Number.isInteger(entry.size) || entry.size < 0 || entry.size >= U32_LIMIT) fail(`size ${hex(entry.size)} does not fit in 32 bits`);

  const offsetAlign = OFFSET_ALIGNMENT[entry.type] ?? 0x1000;
  if (entry.offset % offsetAlign !== 0) fail(`offset ${hex(entry.offset)} is not aligned to ${hex(offsetAlign)}`);
  if (entry.type === PartitionType.app) {
    const sizeAlign = secure === 'v1' ? 0x10000 : 0x1000;
    if (entry.size % sizeAlign !== 0) fail(`size ${hex(entry.size)} of an app partition is not a multiple of ${hex(sizeAlign)}`);
  }
  if (entry.type !== DATA) return;
  if ((entry.subtype === dataSubtype('ota') || entry.subtype === dataSubtype('coredump')) && entry.flags.readonly) {
    fail(`data partitions of subtype ${entry.subtype === dataSubtype('ota') ? 'ota' : 'coredump'} are always read-write and cannot be readonly`);
  }
  if (entry.subtype === dataSubtype('nvs') && entry.size < NVS_READ_WRITE_MIN_SIZE && !entry.flags.readonly) {
    fail(`an NVS partition of ${hex(entry.size)} bytes must be flagged readonly (read/write NVS needs at least ${hex(NVS_READ_WRITE_MIN_SIZE)})`);
  }
}

/**
 * The flash-size check of gen_esp32part.py's `--flash-size`: the partition that ends last must end within
 * the flash.
 * @throws PartitionTableError naming that partition, where it ends and the flash size.
 */
export function checkPartitionTableFitsFlash(table: PartitionTable, flashSizeBytes: number): void {
  let last: PartitionEntry | undefined;
  for (const entry of table.entries) {
    if (!last || entry.offset + entry.size > last.offset + last.size) last = entry;
  }
  if (!last) return;
  const end = last.offset + last.size;
  if (end > flashSizeBytes) {
    throw new PartitionTableError(
      `ends at ${hex(end)} (${megabytes(end)}), beyond the flash size ${megabytes(flashSizeBytes)} (${hex(flashSizeBytes)}); ` +
        'the partitions need a bigger flash or smaller sizes',
      { partition: last.label },
    );
  }
}

function megabytes(bytes: number): string {
  const mb = bytes / 0x100000;
  return `${Number.isInteger(mb) ? mb : mb.toFixed(1)}MB`;
}
