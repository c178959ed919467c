import { createReadStream, statSync } from 'node:fs';

/**
 * The upload body: a POSIX tar (ustar; pax and GNU long names are read), which `tar -cf` and
 * `kubeflash firmware upload` both write. Read as a stream: entries are handed over one at a time and never
 * held in memory whole.
 */

const BLOCK = 512;

/** A malformed or truncated tar stream; the message says where. */
export class TarFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TarFormatError';
  }
}

/** Reads exact byte counts from a chunked stream. */
class ByteReader {
  private buffered: Buffer[] = [];
  private length = 0;
  private readonly iterator: AsyncIterator<Uint8Array>;
  private done = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  private async fill(n: number): Promise<boolean> {
    while (this.length < n && !this.done) {
      const next = await this.iterator.next();
      if (next.done) this.done = true;
      else {
        const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
        this.buffered.push(chunk);
        this.length += chunk.length;
      }
    }
    return this.length >= n;
  }

  private take(n: number): Buffer {
    const all = this.buffered.length === 1 ? this.buffered[0] : Buffer.concat(this.buffered);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.buffered = rest.length > 0 ? [rest] : [];
    this.length = rest.length;
    return out;
  }

  /** Exactly n bytes, or undefined at a clean end of stream (no byte of them arrived). */
  async exact(n: number, what: string): Promise<Buffer | undefined> {
    if (await this.fill(n)) return this.take(n);
    if (this.length === 0) return undefined;
    throw new TarFormatError(`truncated: the upload ends inside ${what}`);
  }

  /** Yields n bytes as they arrive (chunks of at most what the source delivers). */
  async *stream(n: number, what: string): AsyncIterable<Uint8Array> {
    let left = n;
    while (left > 0) {
      if (this.length === 0 && !(await this.fill(1))) throw new TarFormatError(`truncated: the upload ends inside ${what} (${left} of ${n} bytes missing)`);
      const piece = this.take(Math.min(left, this.length));
      left -= piece.length;
      yield piece;
    }
  }
}

/** One file of the archive; `body` must be read (or drained) before asking for the next entry. */
export interface TarEntry {
  name: string;
  size: number;
  body: AsyncIterable<Uint8Array>;
}

function text(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const nul = field.indexOf(0);
  return field.subarray(0, nul === -1 ? length : nul).toString('utf8');
}

function octal(block: Buffer, start: number, length: number, what: string): number {
  const raw = text(block, start, length).trim();
  if (!/^[0-7]+$/.test(raw)) throw new TarFormatError(`corrupt tar header: ${what} "${raw}" is not an octal number`);
  return parseInt(raw, 8);
}

function checkHeader(block: Buffer): void {
  const stored = octal(block, 148, 8, 'checksum');
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i];
  if (sum !== stored) throw new TarFormatError(`corrupt tar header for "${text(block, 0, 100)}": checksum ${stored} does not match ${sum}`);
}

function paxPath(records: Buffer): string | undefined {
  for (const line of records.toString('utf8').split('\n')) {
    const m = /^\d+ path=(.*)$/.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

/**
 * Reads regular files from a tar stream. Directories are skipped; links, devices and other entry types are
 * refused (a build folder has none worth uploading). Paths are returned as written, without a leading `./`.
 */
export async function* readTar(source: AsyncIterable<Uint8Array>, maxHeaderBytes = 64 * 1024): AsyncIterable<TarEntry> {
  const reader = new ByteReader(source);
  let longName: string | undefined;
  for (;;) {
    const header = await reader.exact(BLOCK, 'a tar header');
    if (!header) throw new TarFormatError('truncated: the upload ends without the end-of-archive marker (is the tar complete?)');
    if (header.every((b) => b === 0)) return;
    checkHeader(header);
    const size = octal(header, 124, 12, 'size');
    const type = String.fromCharCode(header[156] || 0x30);
    const prefix = header.subarray(257, 262).toString('latin1') === 'ustar' ? text(header, 345, 155) : '';
    let name = longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    longName = undefined;
    name = name.replace(/^(\.\/)+/, '');
    const padding = (BLOCK - (size % BLOCK)) % BLOCK;
    if (type === 'x' || type === 'L' || type === 'g') {
      if (size > maxHeaderBytes) throw new TarFormatError(`tar extended header of ${size} bytes is too large`);
      const data = (await reader.exact(size + padding, 'an extended tar header')) ?? Buffer.alloc(0);
      if (type === 'x') longName = paxPath(data.subarray(0, size));
      if (type === 'L') longName = data.subarray(0, size).toString('utf8').replace(/\0+$/, '');
      continue;
    }
    if (type === '5') {
      await reader.exact(size + padding, 'a directory entry');
      continue;
    }
    if (type !== '0' && type !== '7') throw new TarFormatError(`tar entry "${name}" is not a regular file (type ${type}); upload plain files only`);
    let consumed = false;
    const body = (async function* () {
      yield* reader.stream(size, `"${name}"`);
      consumed = true;
    })();
    yield { name, size, body };
    if (!consumed) for await (const _ of body) void _;
    if (padding > 0) await reader.exact(padding, `the padding after "${name}"`);
  }
}

/** A file to put into an archive: from disk, or bytes. */
export type TarInput = { name: string; path: string } | { name: string; data: Uint8Array };

function header(name: string, size: number): Buffer {
  const block = Buffer.alloc(BLOCK);
  let base = name;
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) throw new Error(`tar: file name too long: ${name}`);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  block.write(base, 0, 100, 'utf8');
  block.write('0000644\0', 100, 'latin1');
  block.write('0000000\0', 108, 'latin1');
  block.write('0000000\0', 116, 'latin1');
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  block.write(`${Math.floor(Date.now() / 1000).toString(8).padStart(11, '0')}\0`, 136, 'latin1');
  block.write('        ', 148, 'latin1');
  block.write('0', 156, 'latin1');
  block.write('ustar\0', 257, 'latin1');
  block.write('00', 263, 'latin1');
  block.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of block) sum += b;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

/** A ustar archive of `files`, streamed (files on disk are read as they are sent). */
export async function* writeTar(files: readonly TarInput[]): AsyncIterable<Uint8Array> {
  for (const f of files) {
    const size = 'data' in f ? f.data.length : statSync(f.path).size;
    yield header(f.name, size);
    if ('data' in f) yield f.data;
    else for await (const chunk of createReadStream(f.path, { highWaterMark: 1 << 20 })) yield chunk as Buffer;
    const padding = (BLOCK - (size % BLOCK)) % BLOCK;
    if (padding > 0) yield Buffer.alloc(padding);
  }
  yield Buffer.alloc(BLOCK * 2);
}
