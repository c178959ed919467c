import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { NVS_MAX_NAMESPACES } from './constants';
import { parseNvsCsv, type NvsCsvRow } from './csv';
import { NvsInputError } from './errors';
import { isNvsIntegerType } from './integers';
import type { NvsBuildOptions } from './types';
import { decodeBase64Lenient, decodeHex2bin, parsePythonInt } from './values';
import { encodeNvsKey, writeNvsImage, type NvsWriteOp } from './writer';

/** Reads a `file` row's value; `path` is the value column as written in the CSV. */
export type NvsFileReader = (path: string, row: NvsCsvRow) => Uint8Array;

/** Options of `buildNvsImageFromCsv`. */
export interface NvsCsvBuildOptions extends NvsBuildOptions {
  /** Needed only when the CSV has `file` rows. */
  readFile?: NvsFileReader;
  /** Name of the CSV, used in error messages. */
  file?: string;
}

const SUPPORTED_ENCODINGS = 'u8, i8, u16, i16, u32, i32, u64, i64, string, hex2bin, base64, binary, blob_fill(N;0xPP), blob_sz_fill(N;0xPP)';
const utf8 = new TextEncoder();
const withNul = (bytes: Uint8Array): Uint8Array => {
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  return out;
};

/**
 * Builds an NVS image from an nvs_partition_gen CSV, byte-identical to ESP-IDF's generator, including its
 * quirks: re-listing an earlier namespace writes nothing and the following keys keep the index of the
 * namespace created last; `sta.ssid`/`sta.pswd` inject `sta.apinfo`, `sta.pmk`, `sta.apsw`; `ap.ssid` +
 * `ap.passwd` + `ap.authmode` inject `ap.pmk_info`.
 * @throws NvsInputError (with line, key and limit) for anything the generator would reject or crash on
 */
export function buildNvsImageFromCsv(csv: Uint8Array | string, options: NvsCsvBuildOptions): Uint8Array {
  return writeNvsImage(nvsOpsFromCsvRows(parseNvsCsv(csv, options.file), options.readFile), options);
}

/** Turns parsed CSV rows into write operations (see `buildNvsImageFromCsv`). */
export function nvsOpsFromCsvRows(rows: readonly NvsCsvRow[], readFile?: NvsFileReader): NvsWriteOp[] {
  const ops: NvsWriteOp[] = [];
  const namespaces = new Map<string, number>();
  let namespaceCount = 0;
  let staExtrasWritten = false;
  const ap: { ssid?: string; passwd?: string; authmode?: string } = {};

  for (const row of rows) {
    const { line, key, file } = row;
    encodeNvsKey(key, line, file);
    if (row.type === 'namespace') {
      if (namespaces.has(key)) continue;
      if (namespaceCount >= NVS_MAX_NAMESPACES) {
        throw new NvsInputError(`namespace "${key}" would be number ${namespaceCount + 1}; NVS allows at most ${NVS_MAX_NAMESPACES}`, {
          line,
          file,
          key,
          limit: `${NVS_MAX_NAMESPACES} namespaces`,
        });
      }
      namespaces.set(key, ++namespaceCount);
      ops.push({ kind: 'namespace', index: namespaceCount, key, line, file });
      continue;
    }
    if (row.type !== 'data' && row.type !== 'file') {
      throw new NvsInputError(`type "${row.type}" of key "${key}" is unknown; use namespace, data or file`, {
        line,
        file,
        key,
        limit: 'namespace, data or file',
      });
    }
    if (namespaceCount === 0) {
      throw new NvsInputError(`key "${key}" comes before any namespace row; start the CSV with "<name>,namespace,,"`, {
        line,
        file,
        key,
        limit: 'a namespace row first',
      });
    }
    if (row.encoding === undefined || row.value === undefined) {
      throw new NvsInputError(`row for key "${key}" has no ${row.encoding === undefined ? 'encoding' : 'value'} column`, {
        line,
        file,
        key,
        limit: 'key,type,encoding,value',
      });
    }
    const nsIndex = namespaceCount;

    if (key === 'ap.ssid' || key === 'ap.passwd' || key === 'ap.authmode') {
      if (key === 'ap.ssid') ap.ssid = row.value;
      if (key === 'ap.passwd') ap.passwd = row.value;
      if (key === 'ap.authmode' && row.value !== '0') ap.authmode = row.value;
      if (ap.ssid && ap.passwd && ap.authmode) {
        const pmk = pbkdf2(sha1, utf8.encode(ap.passwd), utf8.encode(ap.ssid), { c: 4096, dkLen: 32 });
        const info = new Uint8Array(132);
        info.set(pmk, 100);
        ops.push({ kind: 'blob', nsIndex, bytes: info, key: 'ap.pmk_info', line, file });
      }
    }

    ops.push(valueOp(row, row.encoding, row.value, nsIndex, readFile));

    if ((key === 'sta.ssid' || key === 'sta.pswd') && !staExtrasWritten) {
      staExtrasWritten = true;
      ops.push({ kind: 'blob', nsIndex, bytes: new Uint8Array(140).fill(0xff), key: 'sta.apinfo', line, file });
      ops.push({ kind: 'blob', nsIndex, bytes: new Uint8Array(32), key: 'sta.pmk', line, file });
      ops.push({ kind: 'blob', nsIndex, bytes: new Uint8Array(2), key: 'sta.apsw', line, file });
    }
  }
  return ops;
}

function valueOp(row: NvsCsvRow, encoding: string, value: string, nsIndex: number, readFile?: NvsFileReader): NvsWriteOp {
  const { line, key, file } = row;
  const where = { line, key, file };
  let fileBytes: Uint8Array | undefined;
  if (row.type === 'file') {
    if (!readFile) throw new NvsInputError(`key "${key}" is a file row but no file access was given`, where);
    try {
      fileBytes = readFile(value, row);
    } catch (err) {
      throw new NvsInputError(`cannot read file "${value}" for key "${key}": ${err instanceof Error ? err.message : String(err)}`, where);
    }
  }
  const bytes = (): Uint8Array => fileBytes ?? utf8.encode(value);
  const text = (): string => (fileBytes ? new TextDecoder().decode(fileBytes) : value);

  const fill = /^(blob_fill|blob_sz_fill)\((\d+);(0x[0-9a-fA-F]{2})\)/.exec(encoding);
  if (fill) {
    const length = Number(fill[2]);
    const pad = parseInt(fill[3], 16);
    const content = bytes();
    if (content.length > length) {
      throw new NvsInputError(`value for key "${key}" is ${content.length} bytes; ${fill[1]} allows at most ${length}`, {
        ...where,
        limit: `${length} bytes`,
      });
    }
    const prefix = fill[1] === 'blob_sz_fill' ? 4 : 0;
    const out = new Uint8Array(prefix + length).fill(pad);
    if (prefix) new DataView(out.buffer).setUint32(0, content.length, true);
    out.set(content, prefix);
    return { kind: 'blob', nsIndex, bytes: out, ...where };
  }

  const lower = encoding.toLowerCase();
  if (isNvsIntegerType(lower)) {
    const parsed = parsePythonInt(text());
    if (parsed === undefined) {
      throw new NvsInputError(`value "${text().trim()}" for key "${key}" (${lower}) is not a base-10 integer`, {
        ...where,
        limit: 'a base-10 integer',
      });
    }
    return { kind: 'integer', nsIndex, type: lower, value: parsed, ...where };
  }
  switch (encoding) {
    case 'string':
      return { kind: 'string', nsIndex, bytes: withNul(bytes()), ...where };
    case 'hex2bin':
      return { kind: 'blob', nsIndex, bytes: decodeHex2bin(text(), where), ...where };
    case 'base64':
      return { kind: 'blob', nsIndex, bytes: decodeBase64Lenient(text(), where), ...where };
    case 'binary':
      return { kind: 'blob', nsIndex, bytes: bytes(), ...where };
    default:
      throw new NvsInputError(`encoding "${encoding}" of key "${key}" is not supported; use one of ${SUPPORTED_ENCODINGS}`, {
        ...where,
        limit: SUPPORTED_ENCODINGS,
      });
  }
}
