/** Size of one erasable sector of SPI NOR flash. */
export const SECTOR_SIZE = 0x1000;
/** Size of one erasable 64 KiB block. */
export const BLOCK_SIZE = 0x10000;

/**
 * A SPI NOR flash array: programming can only clear bits (new = old AND data) and only an erase sets a
 * sector back to 0xFF, so a missing erase shows up as corrupted data exactly as on hardware.
 */
export class NorFlash {
  readonly bytes: Uint8Array;
  /** Sectors erased or programmed since the last `clearTouched()`. */
  readonly touchedSectors = new Set<number>();
  private programmedTotal = 0;

  constructor(readonly size: number, fill = 0xff) {
    if (size % SECTOR_SIZE !== 0) throw new RangeError(`flash size ${size} is not a multiple of ${SECTOR_SIZE}`);
    this.bytes = new Uint8Array(size).fill(fill);
  }

  /** Bytes programmed since this flash was created. */
  get programmedBytes(): number {
    return this.programmedTotal;
  }

  /** Erases the sectors covering [offset, offset + length). */
  erase(offset: number, length: number): void {
    if (length <= 0) return;
    const first = Math.floor(offset / SECTOR_SIZE);
    const last = Math.floor((offset + length - 1) / SECTOR_SIZE);
    this.checkRange(first * SECTOR_SIZE, (last + 1 - first) * SECTOR_SIZE);
    for (let s = first; s <= last; s++) {
      this.bytes.fill(0xff, s * SECTOR_SIZE, (s + 1) * SECTOR_SIZE);
      this.touchedSectors.add(s);
    }
  }

  /** Erases the whole chip. */
  eraseAll(): void {
    this.erase(0, this.size);
  }

  /** Programs `data` at `offset` with NOR semantics (bits can only go from 1 to 0). */
  program(offset: number, data: Uint8Array): void {
    this.checkRange(offset, data.length);
    for (let i = 0; i < data.length; i++) this.bytes[offset + i] &= data[i];
    if (data.length > 0) {
      const first = Math.floor(offset / SECTOR_SIZE);
      const last = Math.floor((offset + data.length - 1) / SECTOR_SIZE);
      for (let s = first; s <= last; s++) this.touchedSectors.add(s);
    }
    this.programmedTotal += data.length;
  }

  /** A copy of [offset, offset + length). */
  read(offset: number, length: number): Uint8Array {
    this.checkRange(offset, length);
    return this.bytes.slice(offset, offset + length);
  }

  /** Forgets which sectors were touched. */
  clearTouched(): void {
    this.touchedSectors.clear();
  }

  private checkRange(offset: number, length: number): void {
    if (offset < 0 || length < 0 || offset + length > this.size) {
      throw new RangeError(`flash access 0x${offset.toString(16)}+0x${length.toString(16)} is outside the ${this.size}-byte flash`);
    }
  }
}
