import { crc32 } from 'node:zlib';

/**
 * A streaming ZIP writer (stored entries, no compression: firmware images barely compress and this keeps the
 * download a pure copy). Each entry's CRC-32 and size follow its data in a data descriptor, so entries are
 * streamed straight from the store. No ZIP64: an archive must stay below 4 GiB (firmware builds are far smaller).
 */

/** One file of the archive, produced when its turn comes. */
export interface ZipEntry {
  name: string;
  data: () => Promise<AsyncIterable<Uint8Array>> | AsyncIterable<Uint8Array>;
}

const DOS_DATE = ((2026 - 1980) << 9) | (1 << 5) | 1; // 2026-01-01: archives are identical for identical inputs

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}
function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}

/** The archive of `entries`, as a stream of chunks. */
export async function* writeZip(entries: readonly ZipEntry[]): AsyncIterable<Uint8Array> {
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const local = Buffer.concat([u32(0x04034b50), u16(20), u16(0x0808), u16(0), u16(0), u16(DOS_DATE), u32(0), u32(0), u32(0), u16(name.length), u16(0), name]);
    yield local;
    let crc = 0;
    let size = 0;
    for await (const chunk of await entry.data()) {
      crc = crc32(chunk, crc);
      size += chunk.length;
      yield chunk;
    }
    yield Buffer.concat([u32(0x08074b50), u32(crc), u32(size), u32(size)]);
    central.push(
      Buffer.concat([u32(0x02014b50), u16(20), u16(20), u16(0x0808), u16(0), u16(0), u16(DOS_DATE), u32(crc), u32(size), u32(size), u16(name.length), u16(0), u16(0), u16(0), u16(0), u32(0o100644 << 16), u32(offset), name]),
    );
    offset += local.length + size + 16;
  }
  const directory = Buffer.concat(central);
  yield directory;
  yield Buffer.concat([u32(0x06054b50), u16(0), u16(0), u16(entries.length), u16(entries.length), u32(directory.length), u32(offset), u16(0)]);
}
