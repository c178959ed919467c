import { crc32Esp } from '../crc32';
import {
  NVS_ENTRIES_PER_PAGE,
  NVS_ENTRY_SIZE,
  NVS_FIRST_ENTRY_OFFSET,
  NVS_PAGE_SIZE,
  NvsItemType,
  NvsPageState,
} from './constants';
import { NvsFormatError } from './errors';
import { integerTypeOfCode, NVS_INTEGER_TYPES } from './integers';
import type { NvsEntry, NvsEntryCipher } from './types';
import { encodeBase64 } from './values';
import { transformUsedNvsEntries } from './writer';

/** Page state names; "invalid" is any other header value. */
export type NvsPageStateName = 'empty' | 'active' | 'full' | 'freeing' | 'corrupt' | 'invalid';
/** Entry state from the bitmap: 11 empty, 10 written, 00 erased, 01 invalid. */
export type NvsEntryStateName = 'empty' | 'written' | 'erased' | 'invalid';

/** One page of a parsed image. */
export interface NvsParsedPage {
  /** Position in the image (0-based). */
  position: number;
  address: number;
  state: NvsPageStateName;
  /** Sequence number from the header. */
  sequence: number;
  /** 2 for header byte 0xFE, 1 for 0xFF, otherwise 256 - byte (as nvs_tool shows it). */
  version: number;
  headerCrcOk: boolean;
  /** Header all 0xFF (never initialised). */
  blank: boolean;
}

/** One item (header entry plus its payload entries) of a parsed image. */
export interface NvsParsedItem {
  page: number;
  /** Index of the header entry inside the page (0..125). */
  entry: number;
  address: number;
  state: NvsEntryStateName;
  nsIndex: number;
  type: number;
  span: number;
  chunkIndex: number;
  /** Key bytes up to the first NUL. */
  keyBytes: Uint8Array;
  key: string;
  headerCrcOk: boolean;
  /** Variable-length items: payload bytes (exactly `size`), whether their CRC matched. */
  data?: Uint8Array;
  dataCrcOk?: boolean;
  /** Raw 8-byte data field. */
  field: Uint8Array;
}

/** An integrity problem; errors make the image unusable for that item, warnings are unusual but harmless. */
export interface NvsIssue {
  severity: 'error' | 'warning';
  message: string;
  page?: number;
  entry?: number;
}

/** A parsed NVS image. `values` holds each key's value (blob chunks joined), in order of appearance. */
export interface NvsParsedImage {
  pages: NvsParsedPage[];
  items: NvsParsedItem[];
  /** Namespace index -> name, from written namespace entries. */
  namespaces: Map<number, string>;
  values: NvsEntry[];
  issues: NvsIssue[];
}

/** Options of `parseNvsImage`. */
export interface NvsReadOptions {
  /** Decrypts the used entries of an encrypted image (see `createNvsXtsCipher` in the Node entry point). */
  decryptEntry?: NvsEntryCipher;
}

const STATE_NAMES = new Map<number, NvsPageStateName>([
  [NvsPageState.empty, 'empty'],
  [NvsPageState.active, 'active'],
  [NvsPageState.full, 'full'],
  [NvsPageState.freeing, 'freeing'],
  [NvsPageState.corrupt, 'corrupt'],
  [0, 'corrupt'],
]);
const ENTRY_STATES: NvsEntryStateName[] = ['erased', 'invalid', 'written', 'empty'];
const KNOWN_TYPES = new Set<number>(Object.values(NvsItemType));
const VARLEN_TYPES = new Set<number>([NvsItemType.string, NvsItemType.blob, NvsItemType.blobData]);
const utf8Lenient = new TextDecoder('utf-8');

const latin1 = (bytes: Uint8Array): string => String.fromCharCode(...bytes);

function entryCrc(raw: Uint8Array): number {
  const input = new Uint8Array(28);
  input.set(raw.subarray(0, 4), 0);
  input.set(raw.subarray(8, 32), 4);
  return crc32Esp(input);
}

/**
 * Parses an NVS partition image (plain, or encrypted with `decryptEntry`) into pages, items, namespaces and
 * typed values, and reports integrity problems (bad header/entry/data CRC, bad page or entry state, spans
 * leaving the page, missing blob chunks, keys in unknown namespaces).
 * @throws NvsFormatError if the data is shorter than one page
 */
export function parseNvsImage(image: Uint8Array, options: NvsReadOptions = {}): NvsParsedImage {
  if (image.length < NVS_PAGE_SIZE) {
    throw new NvsFormatError(`the image has ${image.length} bytes; an NVS partition is at least one 4096-byte page`);
  }
  const issues: NvsIssue[] = [];
  if (image.length % NVS_PAGE_SIZE !== 0) {
    issues.push({ severity: 'warning', message: `image length ${image.length} is not a multiple of 4096; the tail is ignored` });
  }
  const pageCount = Math.floor(image.length / NVS_PAGE_SIZE);
  // A plain copy: decryption works in place, and Node Buffers' slice() would return views.
  const data = new Uint8Array(pageCount * NVS_PAGE_SIZE);
  data.set(image.subarray(0, data.length));
  if (options.decryptEntry) transformUsedNvsEntries(data, options.decryptEntry);

  const pages: NvsParsedPage[] = [];
  const items: NvsParsedItem[] = [];
  for (let p = 0; p < pageCount; p++) {
    const base = p * NVS_PAGE_SIZE;
    const view = new DataView(data.buffer, base, NVS_PAGE_SIZE);
    const blank = data.subarray(base, base + 32).every((b) => b === 0xff);
    const stateRaw = view.getUint32(0, true);
    const page: NvsParsedPage = {
      position: p,
      address: base,
      state: STATE_NAMES.get(stateRaw) ?? 'invalid',
      sequence: view.getUint32(4, true),
      version: 256 - data[base + 8],
      headerCrcOk: blank || view.getUint32(28, true) === crc32Esp(data, base + 4, base + 28),
      blank,
    };
    pages.push(page);
    if (blank) {
      if (!data.subarray(base, base + NVS_PAGE_SIZE).every((b) => b === 0xff)) {
        issues.push({ severity: 'error', page: p, message: `page ${p} has no header but holds data` });
      }
      continue;
    }
    if (page.state === 'invalid') {
      issues.push({ severity: 'error', page: p, message: `page ${p} has an invalid state 0x${stateRaw.toString(16).padStart(8, '0')}` });
    } else if (page.state === 'corrupt') {
      issues.push({ severity: 'error', page: p, message: `page ${p} is marked corrupt` });
    }
    if (!page.headerCrcOk) issues.push({ severity: 'error', page: p, message: `page ${p} header CRC32 does not match` });
    if (page.version !== 1 && page.version !== 2) {
      issues.push({ severity: 'warning', page: p, message: `page ${p} has unknown format version byte 0x${data[base + 8].toString(16)}` });
    }
    parsePageItems(data, p, items, issues);
  }

  const namespaces = new Map<number, string>();
  for (const item of items) {
    if (item.state === 'written' && item.nsIndex === 0 && item.type === NvsItemType.u8) namespaces.set(item.field[0], item.key);
  }
  const values = assembleValues(items, namespaces, issues);
  checkPartitionShape(pages, issues);
  return { pages, items, namespaces, values, issues };
}

function entryState(data: Uint8Array, base: number, i: number): NvsEntryStateName {
  return ENTRY_STATES[(data[base + 32 + (i >> 2)] >> ((i & 3) * 2)) & 3];
}

function parsePageItems(data: Uint8Array, p: number, items: NvsParsedItem[], issues: NvsIssue[]): void {
  const base = p * NVS_PAGE_SIZE;
  let i = 0;
  while (i < NVS_ENTRIES_PER_PAGE) {
    const address = base + NVS_FIRST_ENTRY_OFFSET + i * NVS_ENTRY_SIZE;
    const raw = data.subarray(address, address + NVS_ENTRY_SIZE);
    const state = entryState(data, base, i);
    let span = raw[2] === 0 || raw[2] === 0xff ? 1 : raw[2];
    if (state !== 'written') {
      if (state === 'invalid') issues.push({ severity: 'error', page: p, entry: i, message: `page ${p} entry ${i} has an invalid bitmap state` });
      i += state === 'erased' ? span : 1;
      continue;
    }
    const nul = raw.subarray(8, 24).indexOf(0);
    const keyBytes = raw.slice(8, nul < 0 ? 24 : 8 + nul);
    const item: NvsParsedItem = {
      page: p,
      entry: i,
      address,
      state,
      nsIndex: raw[0],
      type: raw[1],
      span: raw[2],
      chunkIndex: raw[3],
      keyBytes,
      key: utf8Lenient.decode(keyBytes),
      headerCrcOk: new DataView(raw.buffer, raw.byteOffset).getUint32(4, true) === entryCrc(raw),
      field: raw.slice(24, 32),
    };
    const where = `page ${p} entry ${i} (key "${item.key}")`;
    if (!item.headerCrcOk) issues.push({ severity: 'error', page: p, entry: i, message: `${where}: entry CRC32 does not match` });
    if (!KNOWN_TYPES.has(item.type)) {
      issues.push({ severity: 'error', page: p, entry: i, message: `${where}: unknown item type 0x${item.type.toString(16)}` });
    }
    if (i + span > NVS_ENTRIES_PER_PAGE) {
      issues.push({ severity: 'error', page: p, entry: i, message: `${where}: span ${span} runs past the end of the page` });
      span = NVS_ENTRIES_PER_PAGE - i;
    }
    if (VARLEN_TYPES.has(item.type)) {
      const size = item.field[0] | (item.field[1] << 8);
      const expectedSpan = Math.ceil(size / NVS_ENTRY_SIZE) + 1;
      if (expectedSpan !== item.span) {
        issues.push({ severity: 'error', page: p, entry: i, message: `${where}: span ${item.span} does not fit data size ${size}` });
      } else {
        for (let c = 1; c < span; c++) {
          if (entryState(data, base, i + c) !== 'written') {
            issues.push({ severity: 'error', page: p, entry: i + c, message: `${where}: payload entry ${i + c} is not marked written` });
          }
        }
        item.data = data.slice(address + NVS_ENTRY_SIZE, address + NVS_ENTRY_SIZE + size);
        item.dataCrcOk = crc32Esp(item.data) === new DataView(item.field.buffer).getUint32(4, true);
        if (!item.dataCrcOk) issues.push({ severity: 'error', page: p, entry: i, message: `${where}: data CRC32 does not match` });
      }
    }
    items.push(item);
    i += span;
  }
}

function readInteger(item: NvsParsedItem): number | bigint {
  const type = integerTypeOfCode(item.type);
  if (!type) return 0;
  const { bytes, signed } = NVS_INTEGER_TYPES[type];
  let v = 0n;
  for (let b = bytes - 1; b >= 0; b--) v = (v << 8n) | BigInt(item.field[b]);
  if (signed) v = BigInt.asIntN(bytes * 8, v);
  return bytes === 8 ? v : Number(v);
}

function assembleValues(items: NvsParsedItem[], namespaces: Map<number, string>, issues: NvsIssue[]): NvsEntry[] {
  const values: NvsEntry[] = [];
  const usable = items.filter((it) => it.state === 'written' && it.headerCrcOk && it.nsIndex !== 0);
  const chunks = new Map<string, NvsParsedItem>();
  const chunkKey = (ns: number, key: string, chunk: number): string => `${ns}\u0000${key}\u0000${chunk}`;
  for (const it of usable) if (it.type === NvsItemType.blobData) chunks.set(chunkKey(it.nsIndex, it.key, it.chunkIndex), it);
  const usedChunks = new Set<NvsParsedItem>();

  for (const it of usable) {
    const namespace = namespaces.get(it.nsIndex);
    const where = `page ${it.page} entry ${it.entry} (key "${it.key}")`;
    if (namespace === undefined) {
      if (it.nsIndex !== 0xff) {
        issues.push({ severity: 'error', page: it.page, entry: it.entry, message: `${where}: namespace index ${it.nsIndex} is not defined` });
      }
      continue;
    }
    const intType = integerTypeOfCode(it.type);
    if (intType) {
      values.push({ namespace, key: it.key, type: intType, value: readInteger(it) });
    } else if (it.type === NvsItemType.string && it.data && it.dataCrcOk) {
      const end = it.data.length > 0 && it.data[it.data.length - 1] === 0 ? it.data.length - 1 : it.data.length;
      values.push({ namespace, key: it.key, type: 'string', value: utf8Lenient.decode(it.data.subarray(0, end)) });
    } else if (it.type === NvsItemType.blob && it.data && it.dataCrcOk) {
      values.push({ namespace, key: it.key, type: 'blob', value: it.data });
    } else if (it.type === NvsItemType.blobIndex) {
      const view = new DataView(it.field.buffer);
      const size = view.getUint32(0, true);
      const count = it.field[4];
      const start = it.field[5];
      const parts: Uint8Array[] = [];
      for (let c = 0; c < count; c++) {
        const chunk = chunks.get(chunkKey(it.nsIndex, it.key, start + c));
        if (!chunk?.data || !chunk.dataCrcOk) {
          parts.length = 0;
          issues.push({ severity: 'error', page: it.page, entry: it.entry, message: `${where}: blob chunk ${start + c} of ${count} is missing or damaged` });
          break;
        }
        usedChunks.add(chunk);
        parts.push(chunk.data);
      }
      if (parts.length !== count) continue;
      const blob = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
      parts.reduce((off, part) => (blob.set(part, off), off + part.length), 0);
      if (blob.length !== size) {
        issues.push({ severity: 'error', page: it.page, entry: it.entry, message: `${where}: blob chunks hold ${blob.length} bytes, index says ${size}` });
        continue;
      }
      values.push({ namespace, key: it.key, type: 'blob', value: blob });
    }
  }
  for (const chunk of chunks.values()) {
    if (!usedChunks.has(chunk)) {
      issues.push({ severity: 'warning', page: chunk.page, entry: chunk.entry, message: `page ${chunk.page} entry ${chunk.entry} (key "${chunk.key}"): blob chunk ${chunk.chunkIndex} has no blob index` });
    }
  }
  return values;
}

function checkPartitionShape(pages: NvsParsedPage[], issues: NvsIssue[]): void {
  if (pages.length < 3) {
    issues.push({ severity: 'warning', message: `partition has ${pages.length} page(s); read/write NVS needs at least 3 (0x3000 bytes)` });
  }
  if (!pages.some((p) => p.blank)) {
    issues.push({ severity: 'warning', message: 'no empty page left; the firmware needs one free page to run (truncated image?)' });
  }
}

/** One record of `nvs_tool.py -f json -d minimal` output. */
export interface NvsToolMinimalRecord {
  namespace: string;
  key: string;
  encoding: string;
  data: number | bigint | string;
  state: 'Written';
  is_empty: boolean;
}

const NVS_TOOL_TYPE_NAMES = new Map<number, string>([
  [NvsItemType.u8, 'uint8_t'],
  [NvsItemType.i8, 'int8_t'],
  [NvsItemType.u16, 'uint16_t'],
  [NvsItemType.i16, 'int16_t'],
  [NvsItemType.u32, 'uint32_t'],
  [NvsItemType.i32, 'int32_t'],
  [NvsItemType.u64, 'uint64_t'],
  [NvsItemType.i64, 'int64_t'],
  [NvsItemType.string, 'string'],
  [NvsItemType.blob, 'blob'],
  [NvsItemType.blobData, 'blob_data'],
]);

/**
 * The records ESP-IDF's `nvs_tool.py -f json -d minimal` prints: every written item of a known namespace
 * except namespace entries and blob indexes, one record per blob chunk (base64), strings without their NUL,
 * keys decoded byte-wise as Latin-1 like nvs_tool.
 */
export function nvsToolMinimalRecords(parsed: NvsParsedImage): NvsToolMinimalRecord[] {
  const records: NvsToolMinimalRecord[] = [];
  for (const it of parsed.items) {
    if (it.state !== 'written' || it.nsIndex === 0) continue;
    const encoding = NVS_TOOL_TYPE_NAMES.get(it.type);
    const namespace = parsed.namespaces.get(it.nsIndex);
    if (encoding === undefined || namespace === undefined) continue;
    let data: number | bigint | string;
    if (it.type === NvsItemType.string) {
      data = utf8Lenient.decode(it.data ?? new Uint8Array()).replace(/\0+$/, '');
    } else if (it.data) {
      data = encodeBase64(it.data);
    } else {
      data = readInteger(it);
    }
    records.push({ namespace, key: latin1(it.keyBytes), encoding, data, state: 'Written', is_empty: false });
  }
  return records;
}

/** Formats records exactly like Python's `json.dumps(records, indent=4)` (ASCII-escaped) plus a newline. */
export function formatNvsToolJson(records: readonly NvsToolMinimalRecord[]): string {
  if (records.length === 0) return '[]\n';
  const str = (s: string): string =>
    JSON.stringify(s).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const body = records.map((r) => {
    const fields = [
      `"namespace": ${str(r.namespace)}`,
      `"key": ${str(r.key)}`,
      `"encoding": ${str(r.encoding)}`,
      `"data": ${typeof r.data === 'string' ? str(r.data) : r.data.toString()}`,
      `"state": ${str(r.state)}`,
      `"is_empty": ${r.is_empty}`,
    ];
    return `    {\n${fields.map((f) => `        ${f}`).join(',\n')}\n    }`;
  });
  return `[\n${body.join(',\n')}\n]\n`;
}
