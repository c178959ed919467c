import { md5 } from '@noble/hashes/legacy.js';
import {
  MAX_PARTITION_ENTRIES,
  PARTITION_ENTRY_LENGTH,
  PARTITION_LABEL_MAX_BYTES,
  PARTITION_TABLE_BINARY_LENGTH,
} from './constants';
import { PartitionTableError } from './errors';
import { hex } from './numbers';
import type { PartitionEntry, PartitionTable } from './types';

const ENTRY_MAGIC = [0xaa, 0x50] as const;
const MD5_MAGIC = [0xeb, 0xeb] as const;
const FLAG_ENCRYPTED = 1 << 0;
const FLAG_READONLY = 1 << 1;

/**
 * Encodes a table as gen_esp32part.py does: 32-byte entries, an MD5 row (`EB EB`, 14 x `FF`, MD5 of the
 * entries), then 0xFF up to 0xC00 bytes. Labels longer than 16 bytes are cut to 16.
 * It does not run the table checks (see verifyPartitionTable); it only rejects what cannot be encoded.
 * @throws PartitionTableError when a value does not fit its field or there are more than 94 entries.
 */
export function partitionTableToBinary(table: PartitionTable): Uint8Array {
  const { entries } = table;
  if (entries.length > MAX_PARTITION_ENTRIES) {
    throw new PartitionTableError(
      `too many partitions: ${entries.length}; a table holds at most ${MAX_PARTITION_ENTRIES} (0xc00 bytes including the MD5 row)`,
    );
  }
  const out = new Uint8Array(PARTITION_TABLE_BINARY_LENGTH).fill(0xff);
  entries.forEach((entry, index) => out.set(encodeEntry(entry), index * PARTITION_ENTRY_LENGTH));
  const entriesEnd = entries.length * PARTITION_ENTRY_LENGTH;
  out.set(MD5_MAGIC, entriesEnd);
  out.set(md5(out.subarray(0, entriesEnd)), entriesEnd + 16);
  return out;
}

function encodeEntry(entry: PartitionEntry): Uint8Array {
  const fail = (message: string): never => {
    throw new PartitionTableError(message, { partition: entry.label });
  };
  const row = new Uint8Array(PARTITION_ENTRY_LENGTH);
  const view = new DataView(row.buffer);
  for (const [name, value, max] of [
    ['type', entry.type, 0xff],
    ['subtype', entry.subtype, 0xff],
    ['offset', entry.offset, 0xffffffff],
    ['size', entry.size, 0xffffffff],
  ] as const) {
    if (!Number.isInteger(value) || value < 0 || value > max) fail(`${name} ${hex(value)} does not fit its ${max === 0xff ? '8' : '32'}-bit field`);
  }
  row.set(ENTRY_MAGIC, 0);
  view.setUint8(2, entry.type);
  view.setUint8(3, entry.subtype);
  view.setUint32(4, entry.offset, true);
  view.setUint32(8, entry.size, true);
  row.set(new TextEncoder().encode(entry.label).subarray(0, PARTITION_LABEL_MAX_BYTES), 12);
  view.setUint32(28, (entry.flags.encrypted ? FLAG_ENCRYPTED : 0) | (entry.flags.readonly ? FLAG_READONLY : 0), true);
  return row;
}

/**
 * Decodes a binary partition table (0xC00 bytes as generated, a whole 4 KiB sector, or shorter) like
 * gen_esp32part.py: reads 32-byte rows up to the first all-0xFF row, checks the MD5 row when present,
 * ignores unknown flag bits. Does not run the table checks.
 * @throws PartitionTableError on a bad length, bad magic, MD5 mismatch or a missing end-of-table row.
 */
export function parsePartitionTableBinary(bin: Uint8Array): PartitionTable {
  const entries: PartitionEntry[] = [];
  const hash = md5.create();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (let at = 0; at < bin.length; at += PARTITION_ENTRY_LENGTH) {
    const row = bin.subarray(at, at + PARTITION_ENTRY_LENGTH);
    const rowName = `row ${at / PARTITION_ENTRY_LENGTH} (offset ${hex(at)})`;
    if (row.length !== PARTITION_ENTRY_LENGTH) {
      throw new PartitionTableError(`partition table length ${bin.length} is not a multiple of 32 bytes and has no end-of-table row`);
    }
    if (row.every((b) => b === 0xff)) return { entries };
    if (row[0] === MD5_MAGIC[0] && row[1] === MD5_MAGIC[1]) {
      const computed: Uint8Array = hash.clone().digest();
      const stored = row.subarray(16);
      if (!computed.every((b, i) => b === stored[i])) {
        throw new PartitionTableError(`MD5 mismatch in ${rowName}: computed ${toHex(computed)}, stored ${toHex(stored)}; the table is corrupt`);
      }
      continue;
    }
    if (row[0] !== ENTRY_MAGIC[0] || row[1] !== ENTRY_MAGIC[1]) {
      throw new PartitionTableError(`${rowName} does not start with the entry magic AA 50 (found ${toHex(row.subarray(0, 2)).toUpperCase()}); not a partition table`);
    }
    hash.update(row);
    entries.push(decodeEntry(row, decoder, rowName));
  }
  throw new PartitionTableError('the partition table has no end-of-table row (32 bytes of 0xFF)');
}

function decodeEntry(row: Uint8Array, decoder: { decode(bytes: Uint8Array): string }, rowName: string): PartitionEntry {
  const view = new DataView(row.buffer, row.byteOffset, row.byteLength);
  const nameField = row.subarray(12, 28);
  const nul = nameField.indexOf(0);
  let label: string;
  try {
    label = decoder.decode(nul === -1 ? nameField : nameField.subarray(0, nul));
  } catch {
    throw new PartitionTableError(`${rowName} has a name that is not valid UTF-8`);
  }
  const flags = view.getUint32(28, true);
  return {
    label,
    type: view.getUint8(2),
    subtype: view.getUint8(3),
    offset: view.getUint32(4, true),
    size: view.getUint32(8, true),
    flags: { encrypted: (flags & FLAG_ENCRYPTED) !== 0, readonly: (flags & FLAG_READONLY) !== 0 },
  };
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
