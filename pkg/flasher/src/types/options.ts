import type { FlashProgress } from './progress';

/** Options of `flashDevice`. */
export interface FlashOptions {
  onProgress?: (progress: FlashProgress) => void;
  /** Aborting stops the run as soon as possible with a `FlashCancelledError`. */
  signal?: AbortSignal;
  /** Baud rate after the stub is running (default 921600); the ROM is always spoken to at 115200. */
  baudrate?: number;
  /** Reset-and-sync attempts before giving up (default 7, as esptool). */
  connectAttempts?: number;
  /** Receives esptool-js's log lines (nothing is printed otherwise). */
  onLog?: (line: string) => void;
}

/** One region as written and verified. */
export interface FlashedRegion {
  name: string;
  offset: number;
  size: number;
  /** MD5 reported by the device, equal to the MD5 of the data sent. */
  md5: string;
}

/** What `flashDevice` resolves with. */
export interface FlashResult {
  chip: string;
  /** e.g. `ESP32-D0WDQ6 (revision 0)`. */
  chipDescription: string;
  mac: string;
  /** Flash size reported by the JEDEC id, in bytes (undefined if the id is unknown). */
  flashSize?: number;
  regions: FlashedRegion[];
  durationMs: number;
}
