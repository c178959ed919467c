/** Typical SPI NOR timings (Winbond W25Q32JV data sheet "typ" column) used by the simulated clock. */
export interface FlashTiming {
  sectorEraseMs: number;
  blockEraseMs: number;
  /** Time to program one 256-byte page. */
  pageProgramMs: number;
  chipEraseMs: number;
  /** How fast the chip reads flash while computing an MD5. */
  md5BytesPerSecond: number;
}

/** Datasheet-typical values for a 4 MB Winbond flash. */
export const TYPICAL_FLASH_TIMING: FlashTiming = {
  sectorEraseMs: 45,
  blockEraseMs: 150,
  pageProgramMs: 0.4,
  chipEraseMs: 10_000,
  md5BytesPerSecond: 8_000_000,
};

/** Faults the simulator can inject. Each one must surface as a specific, user-facing flasher error. */
export interface SimulatorFaults {
  /** `open()` fails as when another program holds the port. */
  portBusy?: boolean;
  /**
   * The chip never talks to the host: `silent` (no bytes at all, e.g. a broken TX line) or `boots-app`
   * (no auto-reset circuit: the chip always boots its application and prints its boot log).
   */
  noResponse?: 'silent' | 'boots-app';
  /** The USB link drops (cable pulled) once the host has sent this many bytes. */
  dropLinkAfterHostBytes?: number;
  /** The USB link drops once this many bytes have been programmed into flash. */
  dropLinkAfterProgrammedBytes?: number;
  /** Native-USB behaviour: the port disappears whenever the chip restarts into its application. */
  reenumerateOnAppBoot?: boolean;
  /** A stuck bit: whenever this flash address is programmed, its lowest bit ends up inverted. */
  corruptFlashByteAt?: number;
  /** The chip answers "checksum error" to data block `seq` (of the region starting at `offset`) `times` times. */
  rejectDataBlock?: { seq: number; times: number; offset?: number };
}

/** One command the simulated chip handled. */
export interface TraceEntry {
  /** Simulated time (ms) when the command arrived. */
  atMs: number;
  mode: 'rom' | 'stub';
  op: number;
  name: string;
  /** Payload length in bytes. */
  length: number;
  /** `ok`, or the error the chip answered with. */
  result: string;
  /** Flash address the command worked on, when it has one. */
  address?: number;
}

/** A change of the DTR/RTS lines and what it did to EN and IO0. */
export interface SignalEvent {
  dtr: boolean;
  rts: boolean;
  en: boolean;
  io0: boolean;
  simMs: number;
}

/** One start of the chip after EN was released. */
export interface BootEvent {
  mode: 'rom' | 'app';
  simMs: number;
}
