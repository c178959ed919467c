import type { ChipName } from './chip';

/** What a flash run does: everything, only the device's configuration, or a chip erase then everything. */
export const FLASH_MODES = ['full', 'config-only', 'erase-all'] as const;

/** One flash mode. */
export type FlashMode = (typeof FLASH_MODES)[number];

/** One region to write. */
export interface FlashPart {
  /** Human name used in progress and errors: `bootloader`, `partition-table`, `otadata`, `app`, `config`, `nvs_keys`. */
  name: string;
  /** Flash offset; must be a multiple of 4 KiB. */
  offset: number;
  data: Uint8Array;
}

/** Everything `flashDevice` writes. */
export interface FlashPlan {
  /** The chip the images are built for; the connected chip must be the same. */
  chip: ChipName;
  parts: FlashPart[];
  mode: FlashMode;
}
