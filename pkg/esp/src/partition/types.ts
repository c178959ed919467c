/** Flags of a partition entry (bit 0 and bit 1 of the entry's flags word). */
export interface PartitionFlags {
  /** Bit 0: the partition is encrypted when flash encryption is on. */
  encrypted: boolean;
  /** Bit 1: the partition is mounted read-only. */
  readonly: boolean;
}

/** One 32-byte row of an ESP partition table. */
export interface PartitionEntry {
  /** Label, at most 16 bytes of UTF-8 in the binary form. */
  label: string;
  /** Type byte (0 app, 1 data, 2 bootloader, 3 partition_table, 0x40-0xFE custom). */
  type: number;
  /** Subtype byte; its meaning depends on `type`. */
  subtype: number;
  /** Byte offset in flash. */
  offset: number;
  /** Size in bytes. */
  size: number;
  flags: PartitionFlags;
}

/** An ESP partition table: its entries in table order. */
export interface PartitionTable {
  entries: PartitionEntry[];
}
