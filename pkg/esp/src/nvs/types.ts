/** Integer types NVS stores in the 8-byte data field of a single entry. */
export type NvsIntegerType = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'u64' | 'i64';

/** Every value type of the typed entry API. */
export type NvsValueType = NvsIntegerType | 'string' | 'blob';

/** NVS image format version: 2 = multi-page blobs (default), 1 = legacy single-page blobs. */
export type NvsFormatVersion = 1 | 2;

/**
 * One key of the typed entry API. Integers are `number` (or `bigint`; 64-bit values beyond 2^53 must be
 * bigint), strings are stored as UTF-8 with a terminating NUL, blobs are raw bytes.
 */
export type NvsEntry =
  | { namespace: string; key: string; type: NvsIntegerType; value: number | bigint }
  | { namespace: string; key: string; type: 'string'; value: string }
  | { namespace: string; key: string; type: 'blob'; value: Uint8Array };

/**
 * Encrypts (or decrypts) in place the 32-byte entries of `image` that start at `addresses`: their offsets in
 * the partition, ascending, which XTS also uses as each entry's tweak. Called once per image with every used
 * entry, so an implementation can batch the block cipher work.
 */
export type NvsEntryCipher = (image: Uint8Array, addresses: Uint32Array) => void;

/** Options shared by every image builder. */
export interface NvsBuildOptions {
  /** Partition size in bytes: a multiple of 4096, at least 0x1000 (sizes below 0x3000 are "read-only"). */
  size: number;
  /** Format version, default 2. */
  version?: NvsFormatVersion;
  /** Encrypts every written entry (see `createNvsXtsCipher` in the Node entry point). */
  encryptEntry?: NvsEntryCipher;
}
