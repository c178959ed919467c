import {
  DEFAULT_PARTITION_TABLE_OFFSET,
  OFFSET_ALIGNMENT,
  PARTITION_LABEL_MAX_BYTES,
  PARTITION_SUBTYPES,
  PARTITION_TABLE_SECTOR_SIZE,
  PartitionType,
} from './constants';
import { PartitionTableError } from './errors';
import { partitionSubtypeName, partitionTypeName } from './names';
import { hex, NumberFieldError, parseNumberField } from './numbers';
import type { PartitionEntry, PartitionFlags, PartitionTable } from './types';
import { verifyPartitionTable, type SecureBootVersion } from './verify';

/** Options of {@link parsePartitionCsv}. */
export interface ParsePartitionCsvOptions {
  /** Flash offset of the partition table; auto-placement starts one sector after it. Default 0x8000. */
  tableOffset?: number;
  /** Offset of the primary bootloader; needed only by `bootloader` rows. */
  primaryBootloaderOffset?: number;
  /** Offset of the recovery bootloader; needed only by `bootloader, recovery` rows. */
  recoveryBootloaderOffset?: number;
  /** Values for `$NAME` / `${NAME}` in the CSV. A variable not listed here is an error. */
  variables?: Readonly<Record<string, string | undefined>>;
  /** Secure boot version; v1 requires app sizes aligned to 0x10000 instead of 0x1000. */
  secure?: SecureBootVersion;
  /** Run the checks of {@link verifyPartitionTable} (default true). */
  verify?: boolean;
  /** Receives non-fatal findings, e.g. a name truncated to 16 bytes. */
  onWarning?: (message: string) => void;
}

/** A CSV row before auto-placement. */
interface Row {
  line: number;
  label: string;
  type: number;
  subtype: number;
  offset: number | undefined;
  size: number;
  flags: PartitionFlags;
}

const FLAG_NAMES = ['encrypted', 'readonly'] as const;

/**
 * Parses an ESP-IDF partition CSV (`Name, Type, SubType, Offset, Size, Flags`) with the semantics of
 * ESP-IDF's gen_esp32part.py: `#` comments, K/M suffixes, blank offsets placed automatically (apps aligned
 * to 0x10000, the rest to 0x1000), negative sizes meaning "end at this address", then the table checks.
 * Names longer than 16 bytes are truncated as the binary format does (reported through `onWarning`).
 * @throws PartitionTableError naming the CSV line and partition.
 */
export function parsePartitionCsv(text: string, options: ParsePartitionCsvOptions = {}): PartitionTable {
  const tableOffset = options.tableOffset ?? DEFAULT_PARTITION_TABLE_OFFSET;
  const rows: Row[] = [];
  // Python's str.splitlines() also breaks on the file/group/record separators 0x1c-0x1e.
  // eslint-disable-next-line no-control-regex
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/);
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = expandVariables(raw, options.variables ?? {}).trim();
    if (line === '' || line.startsWith('#')) return;
    const unknown = /\$\{?([A-Za-z_][A-Za-z0-9_]*)/.exec(line);
    if (unknown) throw new PartitionTableError(`unknown variable $${unknown[1]}`, { line: lineNo });
    rows.push(parseRow(line, lineNo, tableOffset, options));
  });
  const entries = placeRows(rows, tableOffset).map((row) => toEntry(row, options.onWarning));
  const table = { entries };
  if (options.verify ?? true) {
    verifyPartitionTable(table, { tableOffset, secure: options.secure, lines: rows.map((r) => r.line) });
  }
  return table;
}

function expandVariables(line: string, variables: Readonly<Record<string, string | undefined>>): string {
  return line.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (match, braced?: string, bare?: string) => {
    const value = variables[(braced ?? bare) as string];
    return value ?? match;
  });
}

function parseRow(line: string, lineNo: number, tableOffset: number, options: ParsePartitionCsvOptions): Row {
  const fields = `${line},,,,`.split(',').map((f) => f.trim());
  const [label = '', typeText = '', subtypeText = '', offsetText = '', sizeText = '', flagsText = ''] = fields;
  const fail = (message: string): never => {
    throw new PartitionTableError(message, { line: lineNo, partition: label });
  };
  const field = (name: string, text: string, keywords?: Readonly<Record<string, number>>): number => {
    try {
      return parseNumberField(text, keywords);
    } catch (err) {
      if (err instanceof NumberFieldError) return fail(`${name}: ${err.message}`);
      throw err;
    }
  };

  if (typeText === '') fail('the type field is empty (use app, data or a number)');
  const type = field('type', typeText, PartitionType);
  if (!Number.isInteger(type) || type < 0 || type > 0xff) fail(`type ${typeText} is outside 0..0xff`);

  let subtype: number;
  if (subtypeText === '') {
    if (type === PartitionType.app) fail('an app partition needs a subtype (factory, ota_0..ota_15, test)');
    subtype = PARTITION_SUBTYPES[PartitionType.data]?.undefined as number;
  } else {
    subtype = field('subtype', subtypeText, PARTITION_SUBTYPES[type] ?? {});
  }
  if (!Number.isInteger(subtype) || subtype < 0 || subtype > 0xff) fail(`subtype ${subtypeText} is outside 0..0xff`);

  let offset: number | undefined;
  let size: number | undefined;
  if (type === PartitionType.bootloader) {
    const name = subtype === 0x00 ? 'primary' : subtype === 0x02 ? 'recovery' : undefined;
    const given = subtype === 0x00 ? options.primaryBootloaderOffset : subtype === 0x02 ? options.recoveryBootloaderOffset : undefined;
    if (name && given === undefined) fail(`the ${name} bootloader offset is not provided`);
    offset = name ? given : offsetField();
    if (options.primaryBootloaderOffset === undefined) fail('the primary bootloader offset is not provided');
    size = tableOffset - (options.primaryBootloaderOffset as number);
  } else if (type === PartitionType.partition_table) {
    offset = subtype === 0x00 ? tableOffset : offsetField();
    size = PARTITION_TABLE_SECTOR_SIZE;
  } else {
    offset = offsetField();
    if (sizeText === '') fail('the size field is empty');
    size = field('size', sizeText);
  }

  const flags: PartitionFlags = { encrypted: false, readonly: false };
  for (const flag of flagsText.split(':')) {
    if (flag === '') continue;
    if (!(FLAG_NAMES as readonly string[]).includes(flag)) fail(`unknown flag "${flag}" (known flags: ${FLAG_NAMES.join(', ')})`);
    flags[flag as keyof PartitionFlags] = true;
  }
  return { line: lineNo, label, type, subtype, offset, size: size as number, flags };

  function offsetField(): number | undefined {
    return offsetText === '' ? undefined : field('offset', offsetText);
  }
}

function isPrimary(row: Row, type: number): boolean {
  return row.type === type && row.subtype === 0x00;
}

/** Fills blank offsets and negative sizes in CSV order, rejecting rows that start inside the previous one. */
function placeRows(rows: Row[], tableOffset: number): Row[] {
  let lastEnd = tableOffset + PARTITION_TABLE_SECTOR_SIZE;
  let previous: Row | undefined;
  for (const row of rows) {
    // The primary bootloader and partition table sit before the table's end and take no part in placement.
    if (isPrimary(row, PartitionType.bootloader) || isPrimary(row, PartitionType.partition_table)) continue;
    const context = { line: row.line, partition: row.label };
    if (row.offset !== undefined && row.offset < lastEnd) {
      if (previous === undefined) {
        throw new PartitionTableError(
          `partitions overlap: offset ${hex(row.offset)} is inside the partition table sector ` +
            `${hex(tableOffset)}-${hex(lastEnd - 1)}; use offset ${hex(lastEnd)} or higher`,
          context,
        );
      }
      throw new PartitionTableError(
        `partitions overlap: offset ${hex(row.offset)} is inside "${previous.label}" (line ${previous.line}), ` +
          `which spans ${hex(previous.offset as number)}-${hex(lastEnd - 1)} and ends at ${hex(lastEnd)}`,
        context,
      );
    }
    if (row.offset === undefined) {
      const align = OFFSET_ALIGNMENT[row.type] ?? 0x1000;
      row.offset = Math.ceil(lastEnd / align) * align;
    }
    if (row.size < 0) {
      const end = -row.size;
      row.size = end - row.offset;
      if (row.size <= 0) {
        throw new PartitionTableError(
          `size ${hex(-end)} means "end at ${hex(end)}", which is not after the partition's offset ${hex(row.offset)}`,
          context,
        );
      }
    }
    lastEnd = row.offset + row.size;
    previous = row;
  }
  return rows;
}

function toEntry(row: Row, onWarning: ((message: string) => void) | undefined): PartitionEntry {
  const label = truncateLabel(row.label);
  if (label !== row.label) {
    onWarning?.(
      `line ${row.line}: partition name "${row.label}" is longer than ${PARTITION_LABEL_MAX_BYTES} bytes; ` +
        `it is stored as "${label}"`,
    );
  }
  return { label, type: row.type, subtype: row.subtype, offset: row.offset as number, size: row.size, flags: row.flags };
}

/** Cuts a label to the 16 bytes of the binary name field, at a character boundary. */
export function truncateLabel(label: string): string {
  const encoder = new TextEncoder();
  let result = '';
  for (const char of label) {
    if (encoder.encode(result + char).length > PARTITION_LABEL_MAX_BYTES) break;
    result += char;
  }
  return result;
}

/**
 * Writes a table as CSV exactly like `gen_esp32part.py <table.bin> <out.csv>`: two header comments, offsets as
 * 0x hex, sizes as NM/NK when they divide evenly, known types and subtypes by name (others in decimal),
 * flags joined with `:`.
 */
export function partitionTableToCsv(table: PartitionTable): string {
  const rows = ['# ESP-IDF Partition Table', '# Name, Type, SubType, Offset, Size, Flags'];
  for (const entry of table.entries) {
    rows.push(
      [
        entry.label,
        partitionTypeName(entry.type) ?? String(entry.type),
        partitionSubtypeName(entry.type, entry.subtype) ?? String(entry.subtype),
        hex(entry.offset),
        formatSize(entry.size),
        FLAG_NAMES.filter((flag) => entry.flags[flag]).join(':'),
      ].join(','),
    );
  }
  return `${rows.join('\n')}\n`;
}

function formatSize(size: number): string {
  if (size % 0x100000 === 0) return `${size / 0x100000}M`;
  if (size % 0x400 === 0) return `${size / 0x400}K`;
  return hex(size);
}
