/** One segment of an ESP image. */
export interface ImageSegment {
  /** Address the ROM/bootloader loads the data to. */
  loadAddress: number;
  /** Length of the data in bytes. */
  length: number;
  /** File offset of the data (just after the 8-byte segment header). */
  offset: number;
}

/** `esp_app_desc_t`, found at the start of an app's first segment (file offset 0x20). */
export interface AppDescription {
  /** Always 0xABCD5432. */
  magic: number;
  /** Anti-rollback version. */
  secureVersion: number;
  version: string;
  projectName: string;
  /** Compile time, e.g. `19:46:07`. */
  time: string;
  /** Compile date, e.g. `Sep 13 2022`. */
  date: string;
  idfVersion: string;
  /** SHA-256 of the app's ELF file, lowercase hex. */
  appElfSha256: string;
  /** Minimum eFuse block revision (major*100+minor; IDF >= 5.2, 0 before). */
  minEfuseBlockRevisionFull: number;
  /** Maximum eFuse block revision (major*100+minor; IDF >= 5.2, 0 before). */
  maxEfuseBlockRevisionFull: number;
  /** MMU page size in bytes, when the image records it (IDF >= 5.2). */
  mmuPageSize: number | undefined;
}

/** `esp_bootloader_desc_t` (IDF >= 5.2 bootloaders), at the start of the first segment. */
export interface BootloaderDescription {
  secureVersion: number;
  version: number;
  idfVersion: string;
  /** Build date and time, e.g. `Apr 25 2023 00:13:32`. */
  dateTime: string;
}

/** A checked value: what the image stores, what was computed, and whether they agree. */
export interface ImageCheck<T> {
  stored: T;
  computed: T;
  valid: boolean;
}

/** Everything {@link readAppImageInfo} reads from an ESP app or bootloader image. */
export interface AppImageInfo {
  /** Length of the input. */
  fileSize: number;
  /** Bytes the image itself occupies: header, segments, padding, checksum and the SHA-256 if appended. */
  imageSize: number;
  /** Always 0xE9. */
  magic: number;
  segmentCount: number;
  /** SPI flash mode byte (0 QIO, 1 QOUT, 2 DIO, 3 DOUT, 4 FAST_READ, 5 SLOW_READ). */
  spiMode: number;
  /** Name of `spiMode` (`dio`, ...), undefined when unknown. */
  spiModeName: string | undefined;
  /** High nibble of header byte 3. */
  flashSizeNibble: number;
  /** Flash size the image was built for, e.g. `4MB`. */
  flashSize: string | undefined;
  /** Low nibble of header byte 3. */
  flashFrequencyNibble: number;
  /** Flash frequency for this chip, e.g. `80m`; undefined when the chip or nibble is unknown. */
  flashFrequency: string | undefined;
  entryAddress: number;
  /** SPI WP pin (0xEE = not used). */
  wpPin: number;
  /** Numeric chip id from the extended header (0xFFFF = invalid). */
  chipId: number;
  /** Chip name (`esp32`, `esp32s3`, ...), undefined for unknown ids. */
  chipName: string | undefined;
  /** Legacy minimum chip revision byte. */
  minChipRevision: number;
  /** Minimum chip revision as major*100+minor. */
  minChipRevisionFull: number;
  /** Maximum chip revision as major*100+minor (0 = not set). */
  maxChipRevisionFull: number;
  /** Header says a SHA-256 digest follows the checksum. */
  hashAppended: boolean;
  segments: ImageSegment[];
  /** XOR checksum (0xEF seed) over all segment data. */
  checksum: ImageCheck<number>;
  /** Appended SHA-256 (lowercase hex) over the image up to and including the checksum byte. */
  sha256: ImageCheck<string> | undefined;
  /** App description; undefined for images without one (bootloaders). */
  appDescription: AppDescription | undefined;
  /** Bootloader description, for bootloaders that carry one. */
  bootloaderDescription: BootloaderDescription | undefined;
}
