/**
 * The part of the Web Serial `SerialPort` that esptool-js's Transport uses. Real Web Serial ports, the
 * Node adapter (`@kubeflash/flasher/node`) and the simulator (`@kubeflash/flasher/simulator`) all fit.
 */
export interface SerialPortLike {
  readonly readable: ReadableStream<Uint8Array> | null;
  readonly writable: WritableStream<Uint8Array> | null;
  open(options: { baudRate: number; [option: string]: unknown }): Promise<void>;
  close(): Promise<void>;
  setSignals(signals: { dataTerminalReady?: boolean; requestToSend?: boolean; break?: boolean }): Promise<void>;
  getInfo(): { usbVendorId?: number; usbProductId?: number };
  /** Optional in-place baud-rate change (not Web Serial; esptool-js uses it when present). */
  setBaudRate?(baudRate: number): Promise<void>;
  /** Web Serial ports are EventTargets that fire `disconnect` when the device goes away. */
  addEventListener?(type: 'disconnect', listener: () => void): void;
  removeEventListener?(type: 'disconnect', listener: () => void): void;
}
