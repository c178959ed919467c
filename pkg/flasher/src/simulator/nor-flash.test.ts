import { NorFlash, SECTOR_SIZE } from './nor-flash';

describe('NorFlash', () => {
  it('programs by clearing bits only, so writing without an erase corrupts data', () => {
    const flash = new NorFlash(4 * SECTOR_SIZE);
    flash.program(0, Uint8Array.from([0xf0, 0x0f]));
    flash.program(0, Uint8Array.from([0x3c, 0xff]));
    expect(Array.from(flash.read(0, 3))).toEqual([0x30, 0x0f, 0xff]);
  });

  it('erases whole sectors and records every touched sector', () => {
    const flash = new NorFlash(4 * SECTOR_SIZE, 0x00);
    flash.erase(SECTOR_SIZE + 10, 20);
    expect(flash.read(SECTOR_SIZE, SECTOR_SIZE).every((b) => b === 0xff)).toBe(true);
    expect(flash.read(0, SECTOR_SIZE).every((b) => b === 0x00)).toBe(true);
    flash.program(3 * SECTOR_SIZE - 1, Uint8Array.from([1, 2]));
    expect([...flash.touchedSectors].sort()).toEqual([1, 2, 3]);
  });

  it('refuses accesses outside the chip', () => {
    const flash = new NorFlash(SECTOR_SIZE);
    expect(() => flash.program(SECTOR_SIZE - 1, Uint8Array.from([1, 2]))).toThrow(RangeError);
  });
});
