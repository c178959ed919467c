import { parse } from 'csv-parse/browser/esm/sync';
import { NvsInputError } from './errors';

/** One data row of an nvs_partition_gen CSV (`key,type,encoding,value`; columns in any order). */
export interface NvsCsvRow {
  /** 1-based line where the row starts in the original file. */
  line: number;
  /** Name of the CSV file, when given to `parseNvsCsv`. */
  file?: string;
  key: string;
  type: string;
  /** Undefined when the row has no such column (allowed for namespace rows). */
  encoding?: string;
  value?: string;
}

const REQUIRED_COLUMNS = ['key', 'type', 'encoding', 'value'] as const;

/**
 * Parses CSV text the way ESP-IDF's nvs_partition_gen reads it: physical lines starting with `#` are dropped
 * before CSV parsing (even inside a quoted value), CR/CRLF line ends become LF, quoting follows Python's csv
 * module, blank lines are skipped, the first record is the header. Unlike the reference tool, a UTF-8
 * byte-order mark or invalid UTF-8 is reported as a clear error instead of a crash.
 * @param input CSV bytes (checked for BOM and UTF-8) or already-decoded text
 * @throws NvsInputError
 */
export function parseNvsCsv(input: Uint8Array | string, file?: string): NvsCsvRow[] {
  const text = typeof input === 'string' ? input : decodeUtf8(input, file);
  if (text.startsWith('\ufeff')) {
    throw new NvsInputError(
      'the CSV starts with a UTF-8 byte-order mark (BOM); ESP-IDF\'s nvs_partition_gen cannot read it either. Save the file as UTF-8 without BOM',
      { line: 1, file, limit: 'no byte-order mark' },
    );
  }
  const physical = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  const originalLine: number[] = [];
  physical.forEach((line, i) => {
    if (line.startsWith('#')) return;
    kept.push(line);
    originalLine.push(i + 1);
  });

  let records: { record: string[]; raw: string; info: { lines: number } }[];
  try {
    records = parse(kept.join('\n'), {
      info: true,
      raw: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
    }) as unknown as typeof records;
  } catch (err) {
    const lines = (err as { lines?: number }).lines;
    const where = lines !== undefined ? { file, line: originalLine[Math.min(lines, originalLine.length) - 1] } : { file };
    throw new NvsInputError(`CSV syntax error: ${(err as Error).message}`, where);
  }
  if (records.length === 0) throw new NvsInputError('the CSV is empty; it needs a header line "key,type,encoding,value"', { file });

  const startLine = (r: (typeof records)[number]): number => {
    const body = r.raw.replace(/^\n+/, '').replace(/\n$/, '');
    const inner = body.split('\n').length - 1;
    return originalLine[r.info.lines - inner - 1] ?? originalLine[originalLine.length - 1];
  };

  const [header, ...rows] = records;
  const column = new Map<string, number>();
  header.record.forEach((name, i) => column.set(name, i));
  if (!column.has('key') || !column.has('type')) {
    throw new NvsInputError(
      `the header line must name the columns ${REQUIRED_COLUMNS.join(',')} (found "${header.record.join(',')}")`,
      { line: startLine(header), file, limit: REQUIRED_COLUMNS.join(',') },
    );
  }
  const field = (rec: string[], name: string): string | undefined => {
    const i = column.get(name);
    return i === undefined ? undefined : rec[i];
  };
  return rows.map((r) => {
    const row: NvsCsvRow = {
      line: startLine(r),
      ...(file !== undefined ? { file } : {}),
      key: field(r.record, 'key') ?? '',
      type: field(r.record, 'type') ?? '',
    };
    const encoding = field(r.record, 'encoding');
    const value = field(r.record, 'value');
    if (encoding !== undefined) row.encoding = encoding;
    if (value !== undefined) row.value = value;
    return row;
  });
}

function decodeUtf8(bytes: Uint8Array, file?: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const lenient = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    const bad = lenient.indexOf('\ufffd');
    const line = lenient.slice(0, Math.max(bad, 0)).split('\n').length;
    throw new NvsInputError('the CSV is not valid UTF-8 text', { line, file, limit: 'UTF-8' });
  }
}
