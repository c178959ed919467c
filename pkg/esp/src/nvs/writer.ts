import { crc32Esp } from '../crc32';
import {
  NVS_CHUNK_ANY,
  NVS_ENTRIES_PER_PAGE,
  NVS_ENTRY_SIZE,
  NVS_FIRST_ENTRY_OFFSET,
  NVS_GENERATOR_MAX_STRING_BYTES,
  NVS_MAX_KEY_LENGTH,
  NVS_MAX_STRING_BYTES,
  NVS_PAGE_SIZE,
  NVS_V1_MAX_VARLEN_BYTES,
  NvsItemType,
  NvsPageState,
  NvsVersionByte,
} from './constants';
import { NvsInputError, NvsSizeError } from './errors';
import { NVS_INTEGER_TYPES, integerRange } from './integers';
import type { NvsEntryCipher, NvsFormatVersion, NvsIntegerType } from './types';

/** Where an operation came from, for error messages. */
interface OpSource {
  key: string;
  line?: number;
  /** CSV file the operation came from. */
  file?: string;
}

/**
 * One step of building an image, in the order the generator performs them. Namespace entries carry the
 * index they announce; data entries carry the namespace index they are written with.
 */
export type NvsWriteOp = OpSource &
  (
    | { kind: 'namespace'; index: number }
    | { kind: 'integer'; nsIndex: number; type: NvsIntegerType; value: bigint }
    | { kind: 'string'; nsIndex: number; bytes: Uint8Array }
    | { kind: 'blob'; nsIndex: number; bytes: Uint8Array }
  );

/** Number of data pages and whether the partition is "read-only" (under 0x3000: no spare page, short file). */
export interface NvsPartitionLayout {
  size: number;
  dataPages: number;
  readOnly: boolean;
}

/** Checks a partition size like the generator does (multiple of 4096, at least 0x1000). */
export function nvsPartitionLayout(size: number): NvsPartitionLayout {
  if (!Number.isSafeInteger(size) || size <= 0 || size % NVS_PAGE_SIZE !== 0) {
    throw new NvsInputError(`partition size ${describeSize(size)} is not a positive multiple of 4096 (0x1000)`, {
      limit: 'a multiple of 0x1000',
    });
  }
  const pages = size / NVS_PAGE_SIZE;
  // Under 3 pages the generator writes no spare page and only the pages it used ("read-only" partition).
  if (pages < 3) return { size, dataPages: pages, readOnly: true };
  return { size, dataPages: pages - 1, readOnly: false };
}

const hex = (n: number): string => `0x${n.toString(16)}`;
const describeSize = (n: number): string => (Number.isFinite(n) ? `${n} (${hex(n)})` : String(n));

class PageBudgetExceeded extends Error {}

/** One 4096-byte page under construction. */
class Page {
  readonly buf = new Uint8Array(NVS_PAGE_SIZE).fill(0xff);
  entryNum = 0;

  constructor(readonly index: number, version: NvsFormatVersion) {
    const view = new DataView(this.buf.buffer);
    view.setUint32(0, NvsPageState.active, true);
    view.setUint32(4, index, true);
    this.buf[8] = NvsVersionByte[version];
    view.setUint32(28, crc32Esp(this.buf, 4, 28), true);
  }

  markFull(): void {
    const view = new DataView(this.buf.buffer);
    if (view.getUint32(0, true) === NvsPageState.active) view.setUint32(0, NvsPageState.full, true);
  }

  /** Writes whole entries (`data` is padded with 0xFF to a multiple of 32) and marks them written. */
  write(data: Uint8Array, entryCount: number): void {
    this.buf.set(data, NVS_FIRST_ENTRY_OFFSET + this.entryNum * NVS_ENTRY_SIZE);
    for (let i = 0; i < entryCount; i++) {
      const n = this.entryNum + i;
      this.buf[32 + (n >> 2)] &= ~(1 << ((n & 3) * 2));
    }
    this.entryNum += entryCount;
  }
}

/** Builds the 32-byte item header; the entry CRC is filled in by `sealHeader`. */
function itemHeader(nsIndex: number, type: number, span: number, chunk: number, key: Uint8Array): Uint8Array {
  const entry = new Uint8Array(NVS_ENTRY_SIZE).fill(0xff);
  entry[0] = nsIndex;
  entry[1] = type;
  entry[2] = span;
  entry[3] = chunk;
  entry.fill(0, 8, 24);
  entry.set(key, 8);
  return entry;
}

function sealHeader(entry: Uint8Array): Uint8Array {
  const crcInput = new Uint8Array(28);
  crcInput.set(entry.subarray(0, 4), 0);
  crcInput.set(entry.subarray(8, 32), 4);
  new DataView(entry.buffer, entry.byteOffset).setUint32(4, crc32Esp(crcInput), true);
  return entry;
}

function setVarlenData(entry: Uint8Array, size: number, data: Uint8Array): void {
  const view = new DataView(entry.buffer, entry.byteOffset);
  view.setUint16(24, size, true);
  view.setUint32(28, crc32Esp(data), true);
}

const entriesFor = (bytes: number): number => Math.ceil(bytes / NVS_ENTRY_SIZE);

/**
 * Lays out the operations exactly like ESP-IDF's nvs_partition_gen (page placement, FULL marking, the
 * zero-length blob chunk, trailing empty and spare pages) and returns the image.
 */
class ImageWriter {
  readonly pages: Page[] = [];

  constructor(private readonly version: NvsFormatVersion, private readonly maxPages: number) {
    this.newPage();
  }

  private get cur(): Page {
    return this.pages[this.pages.length - 1];
  }

  private newPage(): Page {
    if (this.pages.length >= this.maxPages) throw new PageBudgetExceeded();
    this.pages.at(-1)?.markFull();
    const page = new Page(this.pages.length, this.version);
    this.pages.push(page);
    return page;
  }

  write(op: NvsWriteOp, key: Uint8Array): void {
    switch (op.kind) {
      case 'namespace':
        return this.writeInteger(0, key, NvsItemType.u8, BigInt(op.index), 1);
      case 'integer':
        return this.writeInteger(op.nsIndex, key, NvsItemType[op.type], op.value, NVS_INTEGER_TYPES[op.type].bytes);
      case 'string':
        return this.writeSingleItem(op.nsIndex, key, NvsItemType.string, op.bytes);
      case 'blob':
        if (this.version === 1) return this.writeSingleItem(op.nsIndex, key, NvsItemType.blob, op.bytes);
        return this.writeMultiPageBlob(op.nsIndex, key, op.bytes);
    }
  }

  private writeInteger(nsIndex: number, key: Uint8Array, type: number, value: bigint, bytes: number): void {
    if (this.cur.entryNum >= NVS_ENTRIES_PER_PAGE) this.newPage();
    const entry = itemHeader(nsIndex, type, 1, NVS_CHUNK_ANY, key);
    let v = BigInt.asUintN(64, value);
    for (let i = 0; i < bytes; i++, v >>= 8n) entry[24 + i] = Number(v & 0xffn);
    this.cur.write(sealHeader(entry), 1);
  }

  /** Strings, and blobs of version 1 images: header + payload on one page, never touching entry 125. */
  private writeSingleItem(nsIndex: number, key: Uint8Array, type: number, data: Uint8Array): void {
    const span = entriesFor(data.length) + 1;
    if (this.cur.entryNum + span >= NVS_ENTRIES_PER_PAGE) this.newPage();
    const entry = itemHeader(nsIndex, type, span, NVS_CHUNK_ANY, key);
    setVarlenData(entry, data.length, data);
    this.cur.write(sealHeader(entry), 1);
    this.cur.write(data, span - 1);
  }

  private writeMultiPageBlob(nsIndex: number, key: Uint8Array, data: Uint8Array): void {
    if (this.cur.entryNum >= NVS_ENTRIES_PER_PAGE) this.newPage();
    let offset = 0;
    let chunkCount = 0;
    for (;;) {
      const tailroom = (NVS_ENTRIES_PER_PAGE - this.cur.entryNum - 1) * NVS_ENTRY_SIZE;
      const chunkSize = Math.min(tailroom, data.length - offset);
      const chunk = data.subarray(offset, offset + chunkSize);
      offset += chunkSize;
      const span = entriesFor(chunkSize) + 1;
      const entry = itemHeader(nsIndex, NvsItemType.blobData, span, chunkCount, key);
      setVarlenData(entry, chunkSize, chunk);
      this.cur.write(sealHeader(entry), 1);
      this.cur.write(chunk, span - 1);
      chunkCount++;
      const remaining = data.length - offset;
      // Like the generator: a new page also when less than one entry is left, even if only the index follows.
      if (remaining > 0 || tailroom - chunkSize < NVS_ENTRY_SIZE) this.newPage();
      if (remaining === 0) break;
    }
    const index = itemHeader(nsIndex, NvsItemType.blobIndex, 1, NVS_CHUNK_ANY, key);
    new DataView(index.buffer).setUint32(24, data.length, true);
    index[28] = chunkCount;
    index[29] = 0;
    this.cur.write(sealHeader(index), 1);
  }
}

/** Checks the per-item limits that do not depend on placement. */
function checkItemLimits(op: NvsWriteOp, version: NvsFormatVersion): void {
  const where = { line: op.line, key: op.key, file: op.file };
  if (op.kind === 'string') {
    const n = op.bytes.length;
    if (version === 1 && n > NVS_V1_MAX_VARLEN_BYTES) {
      throw new NvsInputError(
        `string value for key "${op.key}" is ${n} bytes with its NUL; version 1 images allow at most ${NVS_V1_MAX_VARLEN_BYTES}`,
        { ...where, limit: `${NVS_V1_MAX_VARLEN_BYTES} bytes` },
      );
    }
    if (n > NVS_MAX_STRING_BYTES) {
      throw new NvsInputError(
        `string value for key "${op.key}" is ${n} bytes with its NUL; NVS strings are at most ${NVS_MAX_STRING_BYTES} bytes ` +
          `and this generator places at most ${NVS_GENERATOR_MAX_STRING_BYTES} (${NVS_GENERATOR_MAX_STRING_BYTES - 1} bytes of text + NUL)`,
        { ...where, limit: `${NVS_GENERATOR_MAX_STRING_BYTES} bytes` },
      );
    }
    if (n > NVS_GENERATOR_MAX_STRING_BYTES) {
      // ESP-IDF's generator accepts 3969..4000 bytes but then crashes (PageFullError): a string may not use entry 125.
      throw new NvsInputError(
        `string value for key "${op.key}" is ${n} bytes with its NUL; this generator places at most ` +
          `${NVS_GENERATOR_MAX_STRING_BYTES} (${NVS_GENERATOR_MAX_STRING_BYTES - 1} bytes of text + NUL), like ESP-IDF's nvs_partition_gen; ` +
          `store longer text as a blob`,
        { ...where, limit: `${NVS_GENERATOR_MAX_STRING_BYTES} bytes` },
      );
    }
  } else if (op.kind === 'blob') {
    const n = op.bytes.length;
    if (version === 1 && n > NVS_V1_MAX_VARLEN_BYTES) {
      throw new NvsInputError(
        `blob value for key "${op.key}" is ${n} bytes; version 1 images allow at most ${NVS_V1_MAX_VARLEN_BYTES} (use version 2 for larger blobs)`,
        { ...where, limit: `${NVS_V1_MAX_VARLEN_BYTES} bytes` },
      );
    }
    if (n > 0xffffffff) throw new NvsInputError(`blob value for key "${op.key}" is too large`, where);
  } else if (op.kind === 'integer') {
    const { min, max } = integerRange(op.type);
    if (op.value < min || op.value > max) {
      throw new NvsInputError(`value ${op.value} for key "${op.key}" (${op.type}) is out of range ${min}..${max}`, {
        ...where,
        limit: `${min}..${max}`,
      });
    }
  }
}

const utf8 = new TextEncoder();

/** Encodes and checks a key or namespace name (at most 15 bytes, no NUL). */
export function encodeNvsKey(key: string, line?: number, file?: string): Uint8Array {
  const bytes = utf8.encode(key);
  const limit = `${NVS_MAX_KEY_LENGTH} bytes`;
  if (bytes.length === 0) throw new NvsInputError('empty key; NVS keys are 1 to 15 bytes', { line, key, limit, file });
  if (bytes.length > NVS_MAX_KEY_LENGTH) {
    const chars = [...key].length;
    const what = chars === bytes.length ? `${chars} characters` : `${bytes.length} bytes in UTF-8`;
    throw new NvsInputError(`key "${key}" is ${what}; NVS keys are at most ${NVS_MAX_KEY_LENGTH}`, { line, key, limit, file });
  }
  if (bytes.includes(0)) throw new NvsInputError(`key "${key}" contains a NUL character`, { line, key, limit, file });
  return bytes;
}

/** Options of `writeNvsImage`. */
export interface NvsWriteOptions {
  size: number;
  version?: NvsFormatVersion;
  encryptEntry?: NvsEntryCipher;
}

/**
 * Writes the operations into an image byte-identical to ESP-IDF's nvs_partition_gen.
 * @throws NvsInputError for a broken limit, NvsSizeError when the partition is too small
 */
export function writeNvsImage(ops: readonly NvsWriteOp[], options: NvsWriteOptions): Uint8Array {
  const version = options.version ?? 2;
  const layout = nvsPartitionLayout(options.size);
  const keys = ops.map((op) => {
    checkItemLimits(op, version);
    return encodeNvsKey(op.key, op.line, op.file);
  });

  const writer = new ImageWriter(version, layout.dataPages);
  for (let i = 0; i < ops.length; i++) {
    try {
      writer.write(ops[i], keys[i]);
    } catch (err) {
      if (err instanceof PageBudgetExceeded) throw sizeError(ops, keys, version, layout, ops[i]);
      throw err;
    }
  }

  const pageCount = layout.readOnly ? writer.pages.length : layout.size / NVS_PAGE_SIZE;
  const image = new Uint8Array(pageCount * NVS_PAGE_SIZE).fill(0xff);
  writer.pages.forEach((page, i) => image.set(page.buf, i * NVS_PAGE_SIZE));
  if (options.encryptEntry) transformUsedNvsEntries(image, options.encryptEntry);
  return image;
}

function sizeError(
  ops: readonly NvsWriteOp[],
  keys: Uint8Array[],
  version: NvsFormatVersion,
  layout: NvsPartitionLayout,
  failed: NvsWriteOp,
): NvsSizeError {
  const unlimited = new ImageWriter(version, Number.MAX_SAFE_INTEGER);
  ops.forEach((op, i) => unlimited.write(op, keys[i]));
  const needPages = unlimited.pages.length;
  const neededBytes = (layout.readOnly && needPages < 3 ? needPages : needPages + 1) * NVS_PAGE_SIZE;
  const spare = layout.readOnly ? '' : ' plus 1 spare page';
  const needSpare = layout.readOnly && needPages < 3 ? '' : ' plus 1 spare page';
  return new NvsSizeError(
    `partition size ${hex(layout.size)} is too small: key "${failed.key}" does not fit. The data needs ${needPages} ` +
      `page(s)${needSpare} (at least ${hex(neededBytes)} bytes); ${hex(layout.size)} holds ${layout.dataPages} data page(s)${spare}`,
    { line: failed.line, file: failed.file, key: failed.key, limit: `${layout.dataPages} data pages` },
    neededBytes,
    layout.size,
  );
}

/**
 * Replaces every used entry (bitmap state written or erased) of every page with `transform(entry, address)`;
 * page headers, bitmaps and unused entries are left as they are. Encryption and decryption both use this, so
 * the decision "is this entry encrypted" depends only on the entry being used, never on its content.
 */
export function transformUsedNvsEntries(image: Uint8Array, transform: NvsEntryCipher): void {
  for (let base = 0; base + NVS_PAGE_SIZE <= image.length; base += NVS_PAGE_SIZE) {
    for (let i = 0; i < NVS_ENTRIES_PER_PAGE; i++) {
      if (((image[base + 32 + (i >> 2)] >> ((i & 3) * 2)) & 3) === 3) continue;
      const address = base + NVS_FIRST_ENTRY_OFFSET + i * NVS_ENTRY_SIZE;
      image.set(transform(image.subarray(address, address + NVS_ENTRY_SIZE), address), address);
    }
  }
}
