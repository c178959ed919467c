/** Where ESP-IDF places the partition table unless configured otherwise. */
export const DEFAULT_PARTITION_TABLE_OFFSET = 0x8000;
/** The partition table occupies one 4 KiB flash sector. */
export const PARTITION_TABLE_SECTOR_SIZE = 0x1000;
/** Length of the generated binary: the rest of the sector is left for a signature. */
export const PARTITION_TABLE_BINARY_LENGTH = 0xc00;
/** Length of one entry (and of the MD5 row). */
export const PARTITION_ENTRY_LENGTH = 32;
/** Longest label the binary can hold, in bytes. */
export const PARTITION_LABEL_MAX_BYTES = 16;
/**
 * Most entries a table can hold: the entries plus the MD5 row must stay below 0xC00 bytes,
 * the same limit as gen_esp32part.py.
 */
export const MAX_PARTITION_ENTRIES = Math.floor((PARTITION_TABLE_BINARY_LENGTH - 1) / PARTITION_ENTRY_LENGTH) - 1;
/** otadata (and TEE otadata) must be exactly this size. */
export const OTADATA_SIZE = 0x2000;
/** A read/write NVS partition must be at least this size; smaller ones must be flagged readonly. */
export const NVS_READ_WRITE_MIN_SIZE = 0x3000;

/** Partition type bytes with a name. */
export const PartitionType = {
  app: 0x00,
  data: 0x01,
  bootloader: 0x02,
  partition_table: 0x03,
} as const;
/** Name of a known partition type. */
export type PartitionTypeName = keyof typeof PartitionType;

const appSubtypes: Record<string, number> = { factory: 0x00, test: 0x20 };
for (let slot = 0; slot < 16; slot++) appSubtypes[`ota_${slot}`] = 0x10 + slot;
appSubtypes.tee_0 = 0x30;
appSubtypes.tee_1 = 0x31;

/**
 * Subtype names per type byte, in the order gen_esp32part.py looks them up
 * (the order matters only for the CSV dump, and every value is unique within a type).
 */
export const PARTITION_SUBTYPES: Readonly<Record<number, Readonly<Record<string, number>>>> = {
  [PartitionType.bootloader]: { primary: 0x00, ota: 0x01, recovery: 0x02 },
  [PartitionType.partition_table]: { primary: 0x00, ota: 0x01 },
  [PartitionType.app]: appSubtypes,
  [PartitionType.data]: {
    ota: 0x00,
    phy: 0x01,
    nvs: 0x02,
    coredump: 0x03,
    nvs_keys: 0x04,
    efuse: 0x05,
    undefined: 0x06,
    esphttpd: 0x80,
    fat: 0x81,
    spiffs: 0x82,
    littlefs: 0x83,
    tee_ota: 0x90,
  },
};

/** Offset alignment per type; types not listed use 0x1000. */
export const OFFSET_ALIGNMENT: Readonly<Record<number, number>> = {
  [PartitionType.app]: 0x10000,
  [PartitionType.data]: 0x1000,
  [PartitionType.bootloader]: 0x1000,
  [PartitionType.partition_table]: 0x1000,
};
