import type { SimulatedEspDevice } from './device';

/** USB ids of a CP210x bridge, the usual UART chip on ESP32 dev boards. */
export const CP210X_INFO = { usbVendorId: 0x10c4, usbProductId: 0xea60 } as const;

/** Options of the fake Web Serial port. */
export interface SimulatedPortOptions {
  usbVendorId?: number;
  usbProductId?: number;
  /** Offer the non-standard in-place `setBaudRate()` (as WebUSB adapters do); otherwise a baud change reopens the port. */
  inPlaceBaudChange?: boolean;
  /** `open()` fails as when another program holds the port. */
  busy?: boolean;
}

function serialError(name: string, message: string): Error {
  if (typeof DOMException === 'function') return new DOMException(message, name);
  const err = new Error(message);
  err.name = name;
  return err;
}

/**
 * A Web Serial `SerialPort` look-alike wired to a simulated chip. It implements exactly the surface
 * esptool-js's Transport uses: open/close, the two streams, setSignals, getInfo (and optionally setBaudRate).
 * Losing the device errors the streams with a NetworkError, sets them to null and fires `disconnect`.
 */
export class SimulatedSerialPort extends EventTarget {
  readable: ReadableStream<Uint8Array> | null = null;
  writable: WritableStream<Uint8Array> | null = null;
  /** Baud rate the host opened the port with (or last set in place). */
  baudRate = 0;
  /** How many times the port was opened. */
  openCount = 0;
  private controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  private lost = false;
  private device: SimulatedEspDevice | null = null;

  constructor(private readonly options: SimulatedPortOptions = {}) {
    super();
    if (options.inPlaceBaudChange) {
      (this as { setBaudRate?: (baud: number) => Promise<void> }).setBaudRate = async (baud: number) => {
        this.baudRate = baud;
      };
    }
  }

  /** Connects the port to a chip (done by `createSimulator`). */
  attach(device: SimulatedEspDevice): void {
    this.device = device;
  }

  /** Web Serial `getInfo()`. */
  getInfo(): { usbVendorId?: number; usbProductId?: number } {
    return {
      usbVendorId: this.options.usbVendorId ?? CP210X_INFO.usbVendorId,
      usbProductId: this.options.usbProductId ?? CP210X_INFO.usbProductId,
    };
  }

  /** Web Serial `open()`. */
  async open(options: { baudRate: number }): Promise<void> {
    if (this.lost) throw serialError('NetworkError', 'The device has been lost.');
    if (this.options.busy) throw serialError('NetworkError', 'Failed to open serial port.');
    if (this.readable || this.writable) throw serialError('InvalidStateError', 'The port is already open.');
    if (!options || !(options.baudRate > 0)) throw new TypeError('A positive baudRate is required.');
    this.baudRate = options.baudRate;
    this.openCount++;
    this.readable = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.controller = controller;
      },
      cancel: () => {
        this.controller = null;
      },
    });
    this.writable = new WritableStream<Uint8Array>({
      write: (chunk) => {
        if (this.lost) throw serialError('NetworkError', 'The device has been lost.');
        this.device?.receive(Uint8Array.from(chunk), this.baudRate);
        if (this.lost) throw serialError('NetworkError', 'The device has been lost.');
      },
    });
  }

  /** Web Serial `close()`. */
  async close(): Promise<void> {
    if (this.readable?.locked || this.writable?.locked) {
      throw serialError('InvalidStateError', 'Cannot close a port with locked streams.');
    }
    try {
      this.controller?.close();
    } catch {
      // already closed or errored
    }
    this.controller = null;
    this.readable = null;
    this.writable = null;
  }

  /** Web Serial `setSignals()`; missing members leave a line unchanged. */
  async setSignals(signals: { dataTerminalReady?: boolean; requestToSend?: boolean; break?: boolean }): Promise<void> {
    if (this.lost) throw serialError('NetworkError', 'The device has been lost.');
    if (!this.readable && !this.writable) throw serialError('InvalidStateError', 'The port is closed.');
    this.device?.setLines(signals.dataTerminalReady, signals.requestToSend);
  }

  /** Delivers chip output sent at `baud`; bytes at a baud rate the port is not set to are lost as framing errors. */
  deliver(bytes: Uint8Array, baud: number): void {
    if (!this.controller || baud !== this.baudRate) return;
    try {
      this.controller.enqueue(bytes);
    } catch {
      // reader cancelled
    }
  }

  /** The USB device disappeared (cable pulled). */
  markLost(): void {
    if (this.lost) return;
    this.lost = true;
    try {
      this.controller?.error(serialError('NetworkError', 'The device has been lost.'));
    } catch {
      // already closed
    }
    this.controller = null;
    this.readable = null;
    this.writable = null;
    this.dispatchEvent(new Event('disconnect'));
  }
}
