/**
 * CRC-32 as ESP-IDF computes it (`esp_rom_crc32_le(0xffffffff, ...)`, Python `zlib.crc32(data, 0xFFFFFFFF)`):
 * reflected polynomial 0xEDB88320 with the register starting at 0 and a final XOR with 0xFFFFFFFF.
 * This is NOT the standard CRC-32 (whose register starts at 0xFFFFFFFF): CRC("123456789") = 0xD202D277.
 * Used by NVS page headers, NVS entries and their data, and the nvs_keys partition.
 */

// Slicing-by-8: table k (entries 256k..256k+255) advances a byte through k further zero bytes, so eight
// bytes are folded per step. Int32 entries keep the loop in 32-bit integer arithmetic.
const TABLES = buildTables();

function buildTables(): Int32Array {
  const t = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++) t[k * 256 + n] = (t[(k - 1) * 256 + n] >>> 8) ^ t[t[(k - 1) * 256 + n] & 0xff];
  }
  return t;
}

/**
 * ESP variant of CRC-32 over `data[start, end)`. `crc32Esp(new Uint8Array(0))` is 0xFFFFFFFF.
 * `previous` continues a CRC like zlib's second argument: `crc32Esp(b, 0, b.length, crc32Esp(a))` is the CRC
 * of `a` followed by `b`.
 * @returns the CRC as an unsigned 32-bit number
 */
export function crc32Esp(data: Uint8Array, start = 0, end = data.length, previous = 0xffffffff): number {
  const t = TABLES;
  let crc = ~previous;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const lo = crc ^ (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24));
    crc =
      t[1792 + (lo & 0xff)] ^
      t[1536 + ((lo >>> 8) & 0xff)] ^
      t[1280 + ((lo >>> 16) & 0xff)] ^
      t[1024 + (lo >>> 24)] ^
      t[768 + data[i + 4]] ^
      t[512 + data[i + 5]] ^
      t[256 + data[i + 6]] ^
      t[data[i + 7]];
  }
  for (; i < end; i++) crc = t[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}
