/** Fixed sizes of the NVS on-flash format. */
export const NVS_PAGE_SIZE = 4096;
export const NVS_ENTRY_SIZE = 32;
export const NVS_ENTRIES_PER_PAGE = 126;
/** Offset of entry 0 inside a page (after the 32-byte header and the 32-byte state bitmap). */
export const NVS_FIRST_ENTRY_OFFSET = 64;
/** Keys (and namespace names) are at most 15 bytes; byte 15 of the key field is always NUL. */
export const NVS_MAX_KEY_LENGTH = 15;
/** Largest string/blob chunk the firmware accepts in one item (125 payload entries). */
export const NVS_MAX_STRING_BYTES = 4000;
/**
 * Largest string (NUL included) ESP-IDF's nvs_partition_gen can place: it needs `entry + span < 126`,
 * so a string may never fill a whole page (124 payload entries).
 */
export const NVS_GENERATOR_MAX_STRING_BYTES = 3968;
/** Version 1 images: blobs and strings are single items limited to this many bytes by the generator. */
export const NVS_V1_MAX_VARLEN_BYTES = 1984;
/** Namespace indices 1..254 are usable; 255 means "any". */
export const NVS_MAX_NAMESPACES = 254;

/** Page states (header bytes 0..3, little-endian). Bits are only ever cleared. */
export const NvsPageState = {
  empty: 0xffffffff,
  active: 0xfffffffe,
  full: 0xfffffffc,
  freeing: 0xfffffff8,
  corrupt: 0xfffffff0,
} as const;

/** Header byte 8: 0xFE = format version 2 (multi-page blobs), 0xFF = version 1. */
export const NvsVersionByte = { 1: 0xff, 2: 0xfe } as const;

/** Item type codes (entry byte 1). */
export const NvsItemType = {
  u8: 0x01,
  i8: 0x11,
  u16: 0x02,
  i16: 0x12,
  u32: 0x04,
  i32: 0x14,
  u64: 0x08,
  i64: 0x18,
  string: 0x21,
  blob: 0x41,
  blobData: 0x42,
  blobIndex: 0x48,
} as const;

/** Chunk index byte meaning "not a chunk". */
export const NVS_CHUNK_ANY = 0xff;
