import type { SerialPortLike } from '../types/serial-port';

type Callback = (err?: Error | null) => void;

/** The part of the `serialport` package's `SerialPort` (a Node stream) that the adapter uses. */
export interface NodeSerialPortLike {
  open(callback: Callback): void;
  close(callback: Callback): void;
  write(data: Uint8Array, callback?: Callback): boolean;
  drain(callback: Callback): void;
  /** Sets all modem lines at once; `serialport` fills missing ones with defaults, so always pass both. */
  set(options: { dtr: boolean; rts: boolean; brk: boolean }, callback: Callback): void;
  update(options: { baudRate: number }, callback: Callback): void;
  on(event: 'data', listener: (data: Uint8Array) => void): unknown;
  on(event: 'close', listener: (err?: (Error & { disconnected?: boolean }) | null) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
}

/** USB ids to report from `getInfo()` (e.g. from `SerialPort.list()`). */
export interface NodeSerialInfo {
  usbVendorId?: number;
  usbProductId?: number;
}

function serialError(name: string, message: string): Error {
  const err = new Error(message);
  err.name = name;
  return err;
}

function call(fn: (cb: Callback) => void): Promise<void> {
  return new Promise((resolve, reject) => fn((err) => (err ? reject(err) : resolve())));
}

/**
 * Gives a Node serial port (the `serialport` package) the Web Serial `SerialPort` surface esptool-js uses,
 * so `flashDevice` runs unchanged in Node. `create(baudRate)` makes an unopened port (`autoOpen: false`);
 * baud changes happen in place (`setBaudRate`), and a lost device errors the streams and fires `disconnect`.
 */
export class NodeWebSerialPort extends EventTarget implements SerialPortLike {
  readable: ReadableStream<Uint8Array> | null = null;
  writable: WritableStream<Uint8Array> | null = null;
  private port: NodeSerialPortLike | undefined;
  private detach: () => void = () => {};
  // Opening a tty asserts DTR and RTS (HUPCL); with the usual auto-reset wiring that leaves EN and IO0 high.
  private lines = { dtr: true, rts: true, brk: false };

  constructor(
    private readonly create: (baudRate: number) => NodeSerialPortLike,
    private readonly info: NodeSerialInfo = {},
  ) {
    super();
  }

  /** Web Serial `getInfo()`. */
  getInfo(): NodeSerialInfo {
    return { ...this.info };
  }

  /** Web Serial `open()`. */
  async open(options: { baudRate: number }): Promise<void> {
    if (this.port) throw serialError('InvalidStateError', 'The port is already open.');
    const port = this.create(options.baudRate);
    await call((cb) => port.open(cb));
    this.port = port;
    this.lines = { dtr: true, rts: true, brk: false };
    let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
    const onData = (data: Uint8Array): void => {
      try {
        controller?.enqueue(Uint8Array.from(data));
      } catch {
        // reader cancelled
      }
    };
    const onClose = (err?: (Error & { disconnected?: boolean }) | null): void => {
      if (err?.disconnected) {
        controller?.error(serialError('NetworkError', 'The device has been lost.'));
        this.readable = null;
        this.writable = null;
        this.port = undefined;
        this.dispatchEvent(new Event('disconnect'));
      }
    };
    const onError = (): void => {};
    port.on('data', onData);
    port.on('close', onClose);
    port.on('error', onError);
    this.detach = () => {
      port.removeListener('data', onData);
      port.removeListener('close', onClose);
      port.removeListener('error', onError);
    };
    this.readable = new ReadableStream<Uint8Array>({
      start: (c) => {
        controller = c;
      },
      cancel: () => {
        controller = undefined;
      },
    });
    this.writable = new WritableStream<Uint8Array>({
      write: (chunk) =>
        new Promise<void>((resolve, reject) => {
          port.write(Uint8Array.from(chunk), (err) => {
            if (err) reject(err);
            else port.drain((drainErr) => (drainErr ? reject(drainErr) : resolve()));
          });
        }),
    });
  }

  /** Web Serial `close()`. */
  async close(): Promise<void> {
    if (this.readable?.locked || this.writable?.locked) throw serialError('InvalidStateError', 'Cannot close a port with locked streams.');
    const port = this.port;
    this.detach();
    this.detach = () => {};
    this.port = undefined;
    this.readable = null;
    this.writable = null;
    if (port) await call((cb) => port.close(cb)).catch(() => {});
  }

  /** Web Serial `setSignals()`; members left out keep their state. */
  async setSignals(signals: { dataTerminalReady?: boolean; requestToSend?: boolean; break?: boolean }): Promise<void> {
    const port = this.port;
    if (!port) throw serialError('InvalidStateError', 'The port is closed.');
    if (signals.dataTerminalReady !== undefined) this.lines.dtr = signals.dataTerminalReady;
    if (signals.requestToSend !== undefined) this.lines.rts = signals.requestToSend;
    if (signals.break !== undefined) this.lines.brk = signals.break;
    const lines = { ...this.lines };
    await call((cb) => port.set(lines, cb));
  }

  /** In-place baud change (used by esptool-js instead of reopening the port). */
  async setBaudRate(baudRate: number): Promise<void> {
    const port = this.port;
    if (!port) throw serialError('InvalidStateError', 'The port is closed.');
    await call((cb) => port.update({ baudRate }, cb));
  }
}
