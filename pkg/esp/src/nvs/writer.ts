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
import { utf8Bytes } from './utf8';
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
    | { kind: 'integer'; nsIndex: number; type: NvsIntegerType; value: bigint | number }
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

// Per-type lookups, computed once: the writer's hot path reads these instead of building them per entry.
const INTEGER_TYPE_NAMES = Object.keys(NVS_INTEGER_TYPES) as NvsIntegerType[];
const INTEGER_CODES = Object.fromEntries(INTEGER_TYPE_NAMES.map((t) => [t, NvsItemType[t]])) as Record<NvsIntegerType, number>;
const INTEGER_BYTES = Object.fromEntries(INTEGER_TYPE_NAMES.map((t) => [t, NVS_INTEGER_TYPES[t].bytes])) as Record<NvsIntegerType, number>;
const INTEGER_RANGES = Object.fromEntries(INTEGER_TYPE_NAMES.map((t) => [t, integerRange(t)])) as Record<NvsIntegerType, { min: bigint; max: bigint }>;
const describeSize = (n: number): string => (Number.isFinite(n) ? `${n} (${hex(n)})` : String(n));

class PageBudgetExceeded extends Error {}

/**
 * One 4096-byte page under construction: a view into the image, which starts out all 0xFF (so unwritten
 * entries, the unused bytes of data fields and the padding after a payload are 0xFF without writing them).
 */
class Page {
  entryNum = 0;
  private readonly view: DataView;

  constructor(readonly buf: Uint8Array, index: number, version: NvsFormatVersion) {
    this.view = new DataView(buf.buffer, buf.byteOffset, NVS_PAGE_SIZE);
    this.view.setUint32(0, NvsPageState.active, true);
    this.view.setUint32(4, index, true);
    buf[8] = NvsVersionByte[version];
    this.view.setUint32(28, crc32Esp(buf, 4, 28), true);
  }

  markFull(): void {
    if (this.view.getUint32(0, true) === NvsPageState.active) this.view.setUint32(0, NvsPageState.full, true);
  }

  /**
   * Starts an item header in the next free entry (namespace index, type, span, chunk index, key); its data
   * field (bytes 24..31) is left 0xFF for the caller. Returns the header's offset in the page.
   */
  header(nsIndex: number, type: number, span: number, chunk: number, key: Uint8Array): number {
    const at = NVS_FIRST_ENTRY_OFFSET + this.entryNum * NVS_ENTRY_SIZE;
    const buf = this.buf;
    buf[at] = nsIndex;
    buf[at + 1] = type;
    buf[at + 2] = span;
    buf[at + 3] = chunk;
    for (let i = 0; i < 16; i++) buf[at + 8 + i] = i < key.length ? key[i] : 0;
    return at;
  }

  setUint16(at: number, value: number): void {
    this.view.setUint16(at, value, true);
  }

  setUint32(at: number, value: number): void {
    this.view.setUint32(at, value, true);
  }

  /** Writes the entry CRC (over bytes 0..3 and 8..31) of the header at `at` and marks the entry written. */
  seal(at: number): void {
    this.view.setUint32(at + 4, crc32Esp(this.buf, at + 8, at + NVS_ENTRY_SIZE, crc32Esp(this.buf, at, at + 4)), true);
    this.markWritten(1);
  }

  /** Writes a payload into the next `entryCount` entries (the rest of the last one stays 0xFF) and marks them written. */
  payload(data: Uint8Array, entryCount: number): void {
    this.buf.set(data, NVS_FIRST_ENTRY_OFFSET + this.entryNum * NVS_ENTRY_SIZE);
    this.markWritten(entryCount);
  }

  private markWritten(entryCount: number): void {
    for (let i = 0; i < entryCount; i++) {
      const n = this.entryNum + i;
      this.buf[32 + (n >> 2)] &= ~(1 << ((n & 3) * 2));
    }
    this.entryNum += entryCount;
  }
}

const entriesFor = (bytes: number): number => Math.ceil(bytes / NVS_ENTRY_SIZE);

/** Gives the 0xFF-filled buffer of page `index`. */
type PageAllocator = (index: number) => Uint8Array;

/**
 * Lays out the operations exactly like ESP-IDF's nvs_partition_gen (page placement, FULL marking, the
 * zero-length blob chunk, trailing empty and spare pages) into the pages `allocate` hands out.
 */
class ImageWriter {
  readonly pages: Page[] = [];

  constructor(
    private readonly version: NvsFormatVersion,
    private readonly maxPages: number,
    private readonly allocate: PageAllocator,
  ) {
    this.newPage();
  }

  private get cur(): Page {
    return this.pages[this.pages.length - 1];
  }

  private newPage(): Page {
    if (this.pages.length >= this.maxPages) throw new PageBudgetExceeded();
    this.pages.at(-1)?.markFull();
    const page = new Page(this.allocate(this.pages.length), this.pages.length, this.version);
    this.pages.push(page);
    return page;
  }

  write(op: NvsWriteOp, key: Uint8Array): void {
    switch (op.kind) {
      case 'namespace':
        return this.writeInteger(0, key, NvsItemType.u8, op.index, 1);
      case 'integer':
        return this.writeInteger(op.nsIndex, key, INTEGER_CODES[op.type], op.value, INTEGER_BYTES[op.type]);
      case 'string':
        return this.writeSingleItem(op.nsIndex, key, NvsItemType.string, op.bytes);
      case 'blob':
        if (this.version === 1) return this.writeSingleItem(op.nsIndex, key, NvsItemType.blob, op.bytes);
        return this.writeMultiPageBlob(op.nsIndex, key, op.bytes);
    }
  }

  private writeInteger(nsIndex: number, key: Uint8Array, type: number, value: bigint | number, bytes: number): void {
    if (this.cur.entryNum >= NVS_ENTRIES_PER_PAGE) this.newPage();
    const page = this.cur;
    const at = page.header(nsIndex, type, 1, NVS_CHUNK_ANY, key);
    // Two's complement, little-endian, in two 32-bit halves (values were range-checked before).
    let low: number;
    let high: number;
    if (typeof value === 'number') {
      low = value >>> 0;
      high = Math.floor(value / 0x100000000) >>> 0;
    } else {
      const v = BigInt.asUintN(64, value);
      low = Number(v & 0xffffffffn);
      high = Number(v >> 32n);
    }
    const buf = page.buf;
    for (let i = 0; i < bytes; i++) buf[at + 24 + i] = i < 4 ? (low >>> (8 * i)) & 0xff : (high >>> (8 * (i - 4))) & 0xff;
    page.seal(at);
  }

  /** Strings, and blobs of version 1 images: header + payload on one page, never touching entry 125. */
  private writeSingleItem(nsIndex: number, key: Uint8Array, type: number, data: Uint8Array): void {
    const span = entriesFor(data.length) + 1;
    if (this.cur.entryNum + span >= NVS_ENTRIES_PER_PAGE) this.newPage();
    const page = this.cur;
    const at = page.header(nsIndex, type, span, NVS_CHUNK_ANY, key);
    page.setUint16(at + 24, data.length);
    page.setUint32(at + 28, crc32Esp(data));
    page.seal(at);
    page.payload(data, span - 1);
  }

  private writeMultiPageBlob(nsIndex: number, key: Uint8Array, data: Uint8Array): void {
    if (this.cur.entryNum >= NVS_ENTRIES_PER_PAGE) this.newPage();
    let offset = 0;
    let chunkCount = 0;
    for (;;) {
      const page = this.cur;
      const tailroom = (NVS_ENTRIES_PER_PAGE - page.entryNum - 1) * NVS_ENTRY_SIZE;
      const chunkSize = Math.min(tailroom, data.length - offset);
      const chunk = data.subarray(offset, offset + chunkSize);
      offset += chunkSize;
      const span = entriesFor(chunkSize) + 1;
      const at = page.header(nsIndex, NvsItemType.blobData, span, chunkCount, key);
      page.setUint16(at + 24, chunkSize);
      page.setUint32(at + 28, crc32Esp(chunk));
      page.seal(at);
      page.payload(chunk, span - 1);
      chunkCount++;
      const remaining = data.length - offset;
      // Like the generator: a new page also when less than one entry is left, even if only the index follows.
      if (remaining > 0 || tailroom - chunkSize < NVS_ENTRY_SIZE) this.newPage();
      if (remaining === 0) break;
    }
    const page = this.cur;
    const at = page.header(nsIndex, NvsItemType.blobIndex, 1, NVS_CHUNK_ANY, key);
    page.setUint32(at + 24, data.length);
    page.buf[at + 28] = chunkCount;
    page.buf[at + 29] = 0;
    page.seal(at);
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
    const { min, max } = INTEGER_RANGES[op.type];
    if (typeof op.value === 'number' && !Number.isSafeInteger(op.value)) {
      throw new NvsInputError(`value ${op.value} for key "${op.key}" (${op.type}) is not a safe integer; use a bigint`, {
        ...where,
        limit: 'an integer',
      });
    }
    if (op.value < min || op.value > max) {
      throw new NvsInputError(`value ${op.value} for key "${op.key}" (${op.type}) is out of range ${min}..${max}`, {
        ...where,
        limit: `${min}..${max}`,
      });
    }
  }
}

/** Encodes and checks a key or namespace name (at most 15 bytes, no NUL). */
export function encodeNvsKey(key: string, line?: number, file?: string): Uint8Array {
  const bytes = utf8Bytes(key);
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

  // The image is allocated once, all 0xFF, and the pages are written in place.
  const pageCount = layout.readOnly ? layout.dataPages : layout.size / NVS_PAGE_SIZE;
  const image = new Uint8Array(pageCount * NVS_PAGE_SIZE).fill(0xff);
  const writer = new ImageWriter(version, layout.dataPages, (i) => image.subarray(i * NVS_PAGE_SIZE, (i + 1) * NVS_PAGE_SIZE));
  for (let i = 0; i < ops.length; i++) {
    try {
      writer.write(ops[i], keys[i]);
    } catch (err) {
      if (err instanceof PageBudgetExceeded) throw sizeError(ops, keys, version, layout, ops[i]);
      throw err;
    }
  }

  // A "read-only" image (under 0x3000) is only as long as the pages it used.
  const out = layout.readOnly && writer.pages.length < pageCount ? image.slice(0, writer.pages.length * NVS_PAGE_SIZE) : image;
  if (options.encryptEntry) transformUsedNvsEntries(out, options.encryptEntry);
  return out;
}

function sizeError(
  ops: readonly NvsWriteOp[],
  keys: Uint8Array[],
  version: NvsFormatVersion,
  layout: NvsPartitionLayout,
  failed: NvsWriteOp,
): NvsSizeError {
  const unlimited = new ImageWriter(version, Number.MAX_SAFE_INTEGER, () => new Uint8Array(NVS_PAGE_SIZE).fill(0xff));
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
 * Passes every used entry (bitmap state written or erased) of every page to `cipher` in one call, which
 * replaces them in place; page headers, bitmaps and unused entries are left as they are. Encryption and
 * decryption both use this, so the decision "is this entry encrypted" depends only on the entry being used,
 * never on its content.
 */
export function transformUsedNvsEntries(image: Uint8Array, cipher: NvsEntryCipher): void {
  const pages = Math.floor(image.length / NVS_PAGE_SIZE);
  const addresses = new Uint32Array(pages * NVS_ENTRIES_PER_PAGE);
  let count = 0;
  for (let base = 0; base < pages * NVS_PAGE_SIZE; base += NVS_PAGE_SIZE) {
    for (let i = 0; i < NVS_ENTRIES_PER_PAGE; i += 4) {
      const states = image[base + 32 + (i >> 2)];
      if (states === 0xff) continue; // four empty entries
      for (let j = i; j < i + 4 && j < NVS_ENTRIES_PER_PAGE; j++) {
        if (((states >> ((j & 3) * 2)) & 3) !== 3) addresses[count++] = base + NVS_FIRST_ENTRY_OFFSET + j * NVS_ENTRY_SIZE;
      }
    }
  }
  if (count > 0) cipher(image, addresses.subarray(0, count));
}
