import { SIM_CHIPS, type SimChipProfile } from './chips';
import { SimulatedEspDevice } from './device';
import { SimulatedSerialPort, type SimulatedPortOptions } from './port';
import type { FlashTiming, SimulatorFaults } from './types';

export { SIM_CHIPS, type SimChipProfile } from './chips';
export { SimulatedEspDevice, Op } from './device';
export { NorFlash, SECTOR_SIZE, BLOCK_SIZE } from './nor-flash';
export { SimulatedSerialPort, CP210X_INFO, type SimulatedPortOptions } from './port';
export { SlipDecoder, slipEncode } from './slip';
export { TYPICAL_FLASH_TIMING, type BootEvent, type FlashTiming, type SignalEvent, type SimulatorFaults, type TraceEntry } from './types';

/** Options of `createSimulator`. */
export interface SimulatorOptions {
  /** esptool-js chip name: `ESP32`, `ESP32-S2`, `ESP32-S3` or `ESP32-C3`. */
  chip: string;
  /** Flash size in bytes (default 4 MiB). */
  flashSize?: number;
  /** MAC address, 6 bytes (default 24:0a:c4:12:34:56). */
  mac?: Uint8Array;
  faults?: SimulatorFaults;
  timing?: FlashTiming;
  port?: SimulatedPortOptions;
  /** Fill the flash with this byte instead of erased 0xFF (to tell untouched areas from written ones). */
  initialFill?: number;
}

/** A simulated board: the fake serial port to hand to the flasher, and the chip behind it for assertions. */
export interface Simulator {
  port: SimulatedSerialPort;
  device: SimulatedEspDevice;
  /** Simulated seconds spent so far (wire time at the current baud + flash operations + reset pulses). */
  simulatedSeconds(): number;
}

const JEDEC_BY_SIZE: Record<number, number> = {
  [0x100000]: 0x1440ef,
  [0x200000]: 0x1540ef,
  [0x400000]: 0x1640ef,
  [0x800000]: 0x1740ef,
  [0x1000000]: 0x1840ef,
};

/** Builds a simulated ESP board behind a fake Web Serial port. */
export function createSimulator(options: SimulatorOptions): Simulator {
  const profile: SimChipProfile | undefined = SIM_CHIPS[options.chip];
  if (!profile) throw new Error(`the simulator has no model of chip "${options.chip}" (known: ${Object.keys(SIM_CHIPS).join(', ')})`);
  const flashSize = options.flashSize ?? 0x400000;
  const jedecId = JEDEC_BY_SIZE[flashSize];
  if (jedecId === undefined) throw new Error(`unsupported simulated flash size ${flashSize}`);
  const faults = options.faults ?? {};
  const port = new SimulatedSerialPort({ ...options.port, busy: options.port?.busy ?? faults.portBusy });
  const device = new SimulatedEspDevice({
    profile,
    flashSize,
    mac: options.mac ?? Uint8Array.from([0x24, 0x0a, 0xc4, 0x12, 0x34, 0x56]),
    jedecId,
    faults,
    timing: options.timing,
    output: (bytes, baud) => port.deliver(bytes, baud),
    onLinkLost: () => port.markLost(),
  });
  if (options.initialFill !== undefined) device.flash.bytes.fill(options.initialFill);
  port.attach(device);
  return { port, device, simulatedSeconds: () => device.clockMs / 1000 };
}
