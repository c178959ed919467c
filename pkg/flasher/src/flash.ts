import type { ESPLoader, Transport } from 'esptool-js';
import {
  DeviceError,
  DisconnectedError,
  FlashCancelledError,
  FlashError,
  FlashTooSmallError,
  NoResponseError,
  PortBusyError,
  PortUnavailableError,
  VerifyMismatchError,
  WriteFailedError,
  WrongChipError,
} from './errors';
import { loadEsptool } from './esptool';
import { md5Hex } from './md5';
import { ProgressReporter } from './progress';
import type { FlashOptions, FlashResult, FlashedRegion } from './types/options';
import type { FlashPart, FlashPlan } from './types/plan';
import type { FlashStage } from './types/progress';
import type { SerialPortLike } from './types/serial-port';
import { planEnd, validatePlan } from './validate';

const ROM_BAUD = 115200;
const DEFAULT_BAUD = 921600;
const RESET_PULSE_MS = 100;
const CLEANUP_TIMEOUT_MS = 3000;

/**
 * Writes a flash plan to a board: connect, check the chip, upload the stub, (erase,) write every region
 * compressed and verify it by MD5, then pulse EN so the board starts the new firmware.
 *
 * @param port anything with the Web Serial `SerialPort` surface esptool-js uses (Web Serial, the Node adapter, the simulator); it must be closed
 * @param plan the chip, the regions and the mode (`full`, `config-only`, `erase-all`)
 * @param options progress callback, AbortSignal, baud rate
 * @returns what was written, once every region is verified and the board was reset
 * @throws {FlashError} a subclass with a `code` and a `userAction` text for every failure
 */
export async function flashDevice(port: SerialPortLike, plan: FlashPlan, options: FlashOptions = {}): Promise<FlashResult> {
  validatePlan(plan);
  const run = new FlashRun(port, plan, options);
  return run.execute();
}

class Interrupted extends Error {}

/** A proxy of the caller's port; once sealed, a stray esptool-js call can no longer write or toggle lines. */
class GuardedPort {
  sealed = false;
  openError: unknown = undefined;
  setBaudRate?: (baud: number) => Promise<void>;

  constructor(private readonly inner: SerialPortLike) {
    if (typeof inner.setBaudRate === 'function') this.setBaudRate = (baud) => (inner.setBaudRate as (b: number) => Promise<void>).call(inner, baud);
  }

  get readable(): ReadableStream<Uint8Array> | null {
    return this.inner.readable;
  }

  get writable(): WritableStream<Uint8Array> | null {
    return this.sealed ? null : this.inner.writable;
  }

  private opened = false;

  async open(options: { baudRate: number }): Promise<void> {
    try {
      await this.inner.open(options);
      this.opened = true;
    } catch (err) {
      // Only the first open tells whether the port is usable; a failed reopen (baud change) is a lost device.
      if (!this.opened) this.openError = err;
      throw err;
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  async setSignals(signals: { dataTerminalReady?: boolean; requestToSend?: boolean; break?: boolean }): Promise<void> {
    if (!this.sealed) await this.inner.setSignals(signals);
  }

  getInfo(): { usbVendorId?: number; usbProductId?: number } {
    return this.inner.getInfo();
  }
}

class FlashRun {
  private readonly guarded: GuardedPort;
  private readonly progress: ProgressReporter;
  private readonly baudrate: number;
  private stage: FlashStage = 'connecting';
  private region: FlashPart | undefined;
  private readonly completed: FlashedRegion[] = [];
  private wroteAnything = false;
  private lost = false;
  private cancelled = false;
  private interruptReject: (err: Error) => void = () => {};
  private readonly interrupted: Promise<never>;
  private transport: Transport | undefined;
  private readonly onDisconnect = (): void => {
    this.lost = true;
    this.interruptReject(new Interrupted('device lost'));
  };
  private readonly onAbort = (): void => {
    this.cancelled = true;
    this.interruptReject(new Interrupted('cancelled'));
  };

  constructor(
    private readonly port: SerialPortLike,
    private readonly plan: FlashPlan,
    private readonly options: FlashOptions,
  ) {
    this.guarded = new GuardedPort(port);
    this.progress = new ProgressReporter(plan.parts, options.onProgress);
    this.baudrate = options.baudrate ?? DEFAULT_BAUD;
    this.interrupted = new Promise<never>((_, reject) => {
      this.interruptReject = reject;
    });
    this.interrupted.catch(() => {});
  }

  async execute(): Promise<FlashResult> {
    const started = Date.now();
    if (this.options.signal?.aborted) throw new FlashCancelledError('connecting', undefined);
    this.options.signal?.addEventListener('abort', this.onAbort);
    this.port.addEventListener?.('disconnect', this.onDisconnect);
    try {
      const result = await this.flash();
      return { ...result, durationMs: Date.now() - started };
    } catch (err) {
      const error = this.classify(err);
      await this.cleanUpAfterFailure(error);
      throw error;
    } finally {
      this.options.signal?.removeEventListener('abort', this.onAbort);
      this.port.removeEventListener?.('disconnect', this.onDisconnect);
    }
  }

  private async flash(): Promise<Omit<FlashResult, 'durationMs'>> {
    const esptool = await this.step('connecting', () => loadEsptool());
    const transport = new esptool.Transport(this.guarded as never, false);
    // Transport.trace() prints to the console even with tracing off; keep the caller's console clean.
    transport.trace = () => {};
    this.transport = transport;
    const log = this.options.onLog ?? (() => {});
    const loader = new esptool.ESPLoader({
      transport,
      baudrate: this.baudrate,
      romBaudrate: ROM_BAUD,
      terminal: { clean: () => {}, writeLine: log, write: log },
    });

    await this.step('connecting', () => loader.detectChip('default_reset', this.options.connectAttempts ?? 7));
    const detected = loader.chip.CHIP_NAME;
    if (detected !== this.plan.chip) throw new WrongChipError(this.plan.chip, detected);
    if (loader.secureDownloadMode) {
      throw new DeviceError('connecting', 'the chip is in Secure Download Mode, where writes cannot be verified; kubeflash does not flash such boards');
    }

    const { description, mac, flashSize } = await this.step('preparing', () => this.prepare(loader));
    if (flashSize !== undefined && planEnd(this.plan) > flashSize) throw new FlashTooSmallError(flashSize, planEnd(this.plan));

    if (this.plan.mode === 'erase-all') {
      this.wroteAnything = true;
      await this.step('erasing', () => loader.eraseFlash());
    }
    for (const part of this.plan.parts) {
      this.region = part;
      await this.step('writing', () => this.writeRegion(loader, part));
      this.region = undefined;
    }

    // Boards on native USB re-enumerate when they restart: from here on a lost port is expected.
    this.port.removeEventListener?.('disconnect', this.onDisconnect);
    await this.step('resetting', () => this.resetIntoFirmware().catch(() => {}));
    await this.disconnect();
    this.progress.report('done');
    return { chip: detected, chipDescription: description, mac, flashSize, regions: this.completed };
  }

  private async prepare(loader: ESPLoader): Promise<{ description: string; mac: string; flashSize?: number }> {
    const description = await loader.chip.getChipDescription(loader);
    const mac = await loader.chip.readMac(loader);
    if (loader.chip.postConnect) await loader.chip.postConnect(loader);
    await loader.runStub();
    if (!loader.IS_STUB) throw new DeviceError('preparing', `esptool-js has no flasher stub for ${loader.chip.CHIP_NAME}, so writes could not be verified`);
    if (this.baudrate !== ROM_BAUD) await loader.changeBaud();
    const flashId = await loader.readFlashId();
    const sizeName = loader.DETECTED_FLASH_SIZES[(flashId >> 16) & 0xff];
    const flashSize = sizeName ? loader.flashSizeBytes(sizeName as never) : undefined;
    return { description, mac, flashSize };
  }

  private async writeRegion(loader: ESPLoader, part: FlashPart): Promise<void> {
    this.progress.report('writing', part.name, 0);
    let expectedMd5 = '';
    let verifying = false;
    this.wroteAnything = true;
    try {
      await loader.writeFlash({
        fileArray: [{ data: part.data, address: part.offset }],
        flashMode: 'keep',
        flashFreq: 'keep',
        flashSize: 'keep',
        eraseAll: false,
        compress: true,
        calculateMD5Hash: (image: Uint8Array) => {
          expectedMd5 = md5Hex(image);
          return expectedMd5;
        },
        reportProgress: (_index: number, written: number, total: number) => {
          if (total === 0) return;
          this.progress.report('writing', part.name, (written / total) * part.data.length);
          if (written >= total && !verifying) {
            verifying = true;
            this.stage = 'verifying';
            this.progress.report('verifying', part.name, part.data.length);
          }
        },
      });
    } catch (err) {
      if (errorText(err).includes('MD5 of file does not match')) throw new VerifyMismatchError(part.name, part.offset, expectedMd5);
      throw err;
    }
    this.progress.finishRegion(part);
    this.completed.push({ name: part.name, offset: part.offset, size: part.data.length, md5: expectedMd5 });
  }

  /**
   * Pulses EN with IO0 released. esptool-js's own `after('hard_reset')` only releases RTS, which on the usual
   * two-transistor auto-reset circuit gives no EN pulse and leaves IO0 low (see docs: esp-flashing notes §1.9).
   */
  private async resetIntoFirmware(): Promise<void> {
    await this.port.setSignals({ dataTerminalReady: false, requestToSend: true });
    await sleep(RESET_PULSE_MS);
    await this.port.setSignals({ dataTerminalReady: false, requestToSend: false });
  }

  /** Runs one stage, racing it against cancellation and device loss. */
  private async step<T>(stage: FlashStage, work: () => Promise<T>): Promise<T> {
    if (this.cancelled) throw new Interrupted('cancelled');
    if (this.lost) throw new Interrupted('device lost');
    this.stage = stage;
    if (stage !== 'writing') this.progress.report(stage);
    const running = work();
    running.catch(() => {});
    return Promise.race([running, this.interrupted]);
  }

  private classify(err: unknown): FlashError {
    const stage = this.stage;
    const regionName = this.region?.name;
    if (this.cancelled) return new FlashCancelledError(stage, regionName);
    // Checked before disconnection: Web Serial reports a busy port as a NetworkError too.
    if (this.guarded.openError !== undefined && !this.lost) return openFailure(this.guarded.openError);
    if (this.lost || this.looksDisconnected(err)) {
      return new DisconnectedError(describeStage(stage), regionName, this.completed.map((r) => r.name), err);
    }
    if (err instanceof FlashError) return err;
    const text = errorText(err);
    const name = err instanceof Error ? err.name : '';
    if (name === 'UnexpectedChipMagicError' || name === 'UnexpectedChipIdError') {
      return new WrongChipError(this.plan.chip, `unknown chip (${text})`);
    }
    if (stage === 'connecting' && text.includes('Failed to connect')) {
      return new NoResponseError('no answer to the bootloader sync after repeated resets', err);
    }
    if (this.region && /write (compressed data )?to (target )?flash|enter (compressed )?flash/i.test(text)) {
      return new WriteFailedError(this.region.name, this.region.offset, text, err);
    }
    return new DeviceError(describeStage(stage), text, err);
  }

  private looksDisconnected(err: unknown): boolean {
    if (err instanceof Error && err.name === 'NetworkError') return true;
    // Web Serial sets both streams to null after a fatal error (device lost) on an open port.
    return this.transport !== undefined && this.guarded.openError === undefined && this.port.readable === null && this.port.writable === null && this.stage !== 'connecting';
  }

  private async cleanUpAfterFailure(error: FlashError): Promise<void> {
    this.guarded.sealed = true;
    if (this.lost || !this.transport || this.guarded.openError !== undefined) {
      await this.disconnect();
      return;
    }
    // Nothing written yet: let the board run its existing firmware again. Otherwise keep it in download mode.
    if (!this.wroteAnything && error.code !== 'NO_RESPONSE') {
      await withTimeout(this.resetIntoFirmware().catch(() => {}), CLEANUP_TIMEOUT_MS);
    }
    await this.disconnect();
  }

  private async disconnect(): Promise<void> {
    const transport = this.transport;
    if (!transport) return;
    this.transport = undefined;
    await withTimeout(
      transport.disconnect().catch(() => {}),
      CLEANUP_TIMEOUT_MS,
    );
    // An esptool-js call abandoned by a cancel or a lost device would otherwise poll for answers until its
    // own (up to minutes long) timeout; make its next read fail at once.
    transport.read = () => Promise.reject(new Interrupted('port closed'));
  }
}

function openFailure(err: unknown): FlashError {
  const text = errorText(err);
  if (/permission|access denied|EACCES/i.test(text)) return new PortUnavailableError('permission', text, err);
  if (/no such file|not found|ENOENT/i.test(text)) return new PortUnavailableError('missing', text, err);
  return new PortBusyError(err);
}

function describeStage(stage: FlashStage): string {
  const descriptions: Record<FlashStage, string> = {
    connecting: 'connecting',
    preparing: 'preparing the board',
    erasing: 'erasing the flash',
    writing: 'writing',
    verifying: 'verifying',
    resetting: 'restarting the board',
    done: 'finishing',
  };
  return descriptions[stage];
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function withTimeout(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
