/** Where in the input a problem was found and which limit it broke; every field is optional. */
export interface NvsInputErrorDetails {
  /** 1-based CSV line of the row (for typed entries: not set). */
  line?: number;
  /** CSV file name, when known. */
  file?: string;
  /** Key (or namespace name) of the row. */
  key?: string;
  /** The limit that was broken, in words (e.g. "at most 15 bytes"). */
  limit?: string;
}

/**
 * Bad input for the NVS generator (CSV syntax, unknown type or encoding, key too long, value out of range,
 * data that does not fit the partition). The message is complete and names the line, key and limit.
 */
export class NvsInputError extends Error {
  readonly line?: number;
  readonly file?: string;
  readonly key?: string;
  readonly limit?: string;

  constructor(message: string, details: NvsInputErrorDetails = {}) {
    const file = details.file !== undefined ? `${details.file}: ` : '';
    const where = `${file}${details.line !== undefined ? `line ${details.line}: ` : ''}`;
    super(`${where}${message}`);
    this.name = 'NvsInputError';
    this.line = details.line;
    this.file = details.file;
    this.key = details.key;
    this.limit = details.limit;
  }
}

/** The entries do not fit into the partition size that was given. */
export class NvsSizeError extends NvsInputError {
  constructor(
    message: string,
    details: NvsInputErrorDetails,
    /** Bytes the partition would need (data pages plus the spare page for read/write partitions). */
    readonly neededBytes: number,
    /** Bytes given. */
    readonly availableBytes: number,
  ) {
    super(message, details);
    this.name = 'NvsSizeError';
  }
}

/** A binary that is not a readable NVS image or key partition (wrong length, bad key CRC, ...). */
export class NvsFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NvsFormatError';
  }
}
