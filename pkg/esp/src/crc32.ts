/**
 * CRC-32 as ESP-IDF computes it (`esp_rom_crc32_le(0xffffffff, ...)`, Python `zlib.crc32(data, 0xFFFFFFFF)`):
 * reflected polynomial 0xEDB88320 with the register starting at 0 and a final XOR with 0xFFFFFFFF.
 * This is NOT the standard CRC-32 (whose register starts at 0xFFFFFFFF): CRC("123456789") = 0xD202D277.
 * Used by NVS page headers, NVS entries and their data, and the nvs_keys partition.
 */

const TABLE = buildTable();

function buildTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/**
 * ESP variant of CRC-32 over `data[start, end)`. `crc32Esp(new Uint8Array(0))` is 0xFFFFFFFF.
 * @returns the CRC as an unsigned 32-bit number
 */
export function crc32Esp(data: Uint8Array, start = 0, end = data.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
