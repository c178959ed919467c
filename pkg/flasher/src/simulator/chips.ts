/** What the simulator needs to know about one chip family to answer esptool-js like its ROM does. */
export interface SimChipProfile {
  /** esptool-js `CHIP_NAME`. */
  name: string;
  /** Value of the chip-detect magic register 0x40001000. */
  magic: number;
  /**
   * GET_SECURITY_INFO answer: `unsupported` (ESP32 ROM), `no-chip-id` (ESP32-S2: 12-byte payload) or the
   * chip id carried in the 20-byte payload.
   */
  securityInfo: 'unsupported' | 'no-chip-id' | { chipId: number };
  /** Base of the SPI controller used for flash commands, and the offsets esptool-js uses in it. */
  spi: { base: number; usr2: number; w0: number };
  /** Two eFuse words that hold the MAC (esptool-js layout: mac0 = low 4 bytes, mac1 = high 2 bytes). */
  macRegisters: [number, number];
  /** Register values other than the ones derived above (crystal divider etc.); unknown addresses read 0. */
  registers: Record<number, number>;
  /** Flash offset of the second-stage bootloader. */
  bootloaderOffset: number;
}

const CHIP_DETECT_MAGIC_REG = 0x40001000;

/** Chip models the simulator knows, keyed by esptool-js chip name. */
export const SIM_CHIPS: Readonly<Record<string, SimChipProfile>> = {
  ESP32: {
    name: 'ESP32',
    magic: 0x00f01d83,
    securityInfo: 'unsupported',
    spi: { base: 0x3ff42000, usr2: 0x24, w0: 0x80 },
    macRegisters: [0x3ff5a004, 0x3ff5a008],
    // UART_CLKDIV for a 40 MHz crystal at 115200 baud, so esptool-js prints "Crystal is 40MHz".
    registers: { 0x3ff40014: 347 },
    bootloaderOffset: 0x1000,
  },
  'ESP32-S2': {
    name: 'ESP32-S2',
    magic: 0x000007c6,
    securityInfo: 'no-chip-id',
    spi: { base: 0x3f402000, usr2: 0x20, w0: 0x58 },
    macRegisters: [0x3f41a044, 0x3f41a048],
    registers: { 0x3f400014: 347 },
    bootloaderOffset: 0x1000,
  },
  'ESP32-S3': {
    name: 'ESP32-S3',
    magic: 0x00000009,
    securityInfo: { chipId: 9 },
    spi: { base: 0x60002000, usr2: 0x20, w0: 0x58 },
    macRegisters: [0x60007044, 0x60007048],
    registers: { 0x60000014: 347 },
    bootloaderOffset: 0x0,
  },
  'ESP32-C3': {
    name: 'ESP32-C3',
    magic: 0x6921506f,
    securityInfo: { chipId: 5 },
    spi: { base: 0x60002000, usr2: 0x20, w0: 0x58 },
    macRegisters: [0x60008844, 0x60008848],
    registers: { 0x3ff40014: 347 },
    bootloaderOffset: 0x0,
  },
};

/** The initial register file of a chip with the given MAC address. */
export function initialRegisters(profile: SimChipProfile, mac: Uint8Array): Map<number, number> {
  const regs = new Map<number, number>();
  for (const [addr, value] of Object.entries(profile.registers)) regs.set(Number(addr), value);
  regs.set(CHIP_DETECT_MAGIC_REG, profile.magic);
  const mac0 = ((mac[2] << 24) | (mac[3] << 16) | (mac[4] << 8) | mac[5]) >>> 0;
  const mac1 = (mac[0] << 8) | mac[1];
  regs.set(profile.macRegisters[0], mac0);
  regs.set(profile.macRegisters[1], mac1);
  return regs;
}
