// pako ships no types; this pulls in our own declaration wherever the simulator is compiled (tests, bundles).
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="../types/pako.d.ts" />
import { Inflate } from 'pako';
import { md5 } from '@noble/hashes/legacy.js';
import { initialRegisters, type SimChipProfile } from './chips';
import { BLOCK_SIZE, NorFlash, SECTOR_SIZE } from './nor-flash';
import { SlipDecoder, slipEncode } from './slip';
import { TYPICAL_FLASH_TIMING, type BootEvent, type FlashTiming, type SignalEvent, type SimulatorFaults, type TraceEntry } from './types';

/** Command op codes of the ROM loader and the flasher stub. */
export const Op = {
  FLASH_BEGIN: 0x02,
  FLASH_DATA: 0x03,
  FLASH_END: 0x04,
  MEM_BEGIN: 0x05,
  MEM_END: 0x06,
  MEM_DATA: 0x07,
  SYNC: 0x08,
  WRITE_REG: 0x09,
  READ_REG: 0x0a,
  SPI_SET_PARAMS: 0x0b,
  SPI_ATTACH: 0x0d,
  CHANGE_BAUDRATE: 0x0f,
  FLASH_DEFL_BEGIN: 0x10,
  FLASH_DEFL_DATA: 0x11,
  FLASH_DEFL_END: 0x12,
  SPI_FLASH_MD5: 0x13,
  GET_SECURITY_INFO: 0x14,
  ERASE_FLASH: 0xd0,
  ERASE_REGION: 0xd1,
  READ_FLASH: 0xd2,
  RUN_USER_CODE: 0xd3,
} as const;

const OP_NAMES = new Map<number, string>(Object.entries(Op).map(([name, op]) => [op, name]));
const STUB_ONLY = new Set<number>([Op.ERASE_FLASH, Op.ERASE_REGION, Op.READ_FLASH, Op.RUN_USER_CODE]);
const ROM_BAUD = 115200;
const SYNC_VALUE_ROM = 0x20120707;
const SPI_CMD_USR = 1 << 18;
const CHECKSUM_SEED = 0xef;

/** Failures the chip reports, with their ROM (second status byte) and stub (16-bit code) encodings. */
const Failure = {
  badParam: { rom: 0x01, stub: 0xc000, text: 'invalid parameter' },
  invalidMessage: { rom: 0x05, stub: 0xc300, text: 'invalid message' },
  checksum: { rom: 0x07, stub: 0xc100, text: 'checksum error' },
  inflate: { rom: 0x0b, stub: 0xc700, text: 'inflate error' },
  tooMuchData: { rom: 0x01, stub: 0xc900, text: 'too much data' },
  notInFlashMode: { rom: 0x01, stub: 0xc600, text: 'not in flash mode' },
} as const;
type FailureKind = (typeof Failure)[keyof typeof Failure];

class CommandFailure extends Error {
  constructor(readonly kind: FailureKind) {
    super(kind.text);
  }
}

interface WriteSession {
  compressed: boolean;
  offset: number;
  /** Bytes the host announced; writes beyond it are rejected. */
  size: number;
  written: number;
  nextSeq: number;
  /** The stub erases lazily: everything below this address (inside the region) is erased. */
  erasedTo: number;
  inflater?: Inflate;
}

interface MemSession {
  addr: number;
  size: number;
  received: number;
  nextSeq: number;
}

interface ReadSession {
  offset: number;
  length: number;
  packetSize: number;
  sent: number;
}

/** Options of a simulated chip. */
export interface DeviceOptions {
  profile: SimChipProfile;
  flashSize: number;
  mac: Uint8Array;
  /** JEDEC id answered to RDID (0x9F), e.g. 0x1640EF for a 4 MB Winbond part. */
  jedecId: number;
  faults: SimulatorFaults;
  timing?: FlashTiming;
  /** Sends bytes towards the host at the chip's current UART baud rate. */
  output: (bytes: Uint8Array, baud: number) => void;
  /** Called once when a fault pulls the USB cable. */
  onLinkLost: () => void;
}

/**
 * A software ESP chip in its serial bootloader: DTR/RTS auto-reset wiring, ROM loader and flasher-stub
 * command sets, a NOR flash, and a simulated clock (wire time at the current baud + flash operation time).
 */
export class SimulatedEspDevice {
  readonly flash: NorFlash;
  readonly trace: TraceEntry[] = [];
  readonly signals: SignalEvent[] = [];
  readonly boots: BootEvent[] = [];
  mode: 'reset' | 'rom' | 'stub' | 'app' | 'lost' = 'app';
  baud = ROM_BAUD;
  /** Simulated time in ms. */
  clockMs = 0;
  bytesFromHost = 0;
  bytesToHost = 0;
  /** Bytes of RAM uploads (the stub) the chip received. */
  ramBytesLoaded = 0;

  private readonly timing: FlashTiming;
  private readonly decoder = new SlipDecoder();
  private regs: Map<number, number>;
  private dtr = false;
  private rts = false;
  private lastLineChangeRealMs = 0;
  private busyUntilMs = 0;
  private writeSession: WriteSession | null = null;
  private memSession: MemSession | null = null;
  private memSegments: Array<[number, number]> = [];
  private readSession: ReadSession | null = null;
  private pending: Uint8Array[] = [];
  private processing = false;
  private rejectionsLeft: number;

  constructor(private readonly options: DeviceOptions) {
    this.flash = new NorFlash(options.flashSize);
    this.timing = options.timing ?? TYPICAL_FLASH_TIMING;
    this.regs = initialRegisters(options.profile, options.mac);
    this.rejectionsLeft = options.faults.rejectDataBlock?.times ?? 0;
  }

  /** Level of the EN (CHIP_PU) pin: low only while RTS is asserted and DTR is not (transistor pair). */
  get en(): boolean {
    return !(this.rts && !this.dtr);
  }

  /** Level of the IO0 strap: pulled low only while DTR is asserted and RTS is not. */
  get io0(): boolean {
    return !(this.dtr && !this.rts);
  }

  /** Applies a Web Serial `setSignals()` call; `undefined` leaves a line unchanged. */
  setLines(dtr: boolean | undefined, rts: boolean | undefined): void {
    if (this.mode === 'lost') return;
    const wasEn = this.en;
    const pulseActive = !this.en || !this.io0;
    const now = Date.now();
    // Host-side waits inside a reset pulse take the same time on hardware: count them (capped).
    if (pulseActive && this.lastLineChangeRealMs > 0) this.clockMs += Math.min(now - this.lastLineChangeRealMs, 2000);
    this.lastLineChangeRealMs = now;
    if (dtr !== undefined) this.dtr = dtr;
    if (rts !== undefined) this.rts = rts;
    this.signals.push({ dtr: this.dtr, rts: this.rts, en: this.en, io0: this.io0, simMs: this.clockMs });
    if (wasEn && !this.en) {
      this.mode = 'reset';
      this.abortSessions();
    } else if (!wasEn && this.en) {
      const download = !this.io0 && this.options.faults.noResponse !== 'boots-app';
      this.boot(download ? 'rom' : 'app');
    }
  }

  /** Bytes arriving from the host at `hostBaud`. */
  receive(bytes: Uint8Array, hostBaud: number): void {
    if (this.mode === 'lost') return;
    this.bytesFromHost += bytes.length;
    this.clockMs += (bytes.length * 10 * 1000) / hostBaud;
    const dropAt = this.options.faults.dropLinkAfterHostBytes;
    if (dropAt !== undefined && this.bytesFromHost >= dropAt) {
      this.loseLink();
      return;
    }
    // A receiver at a different baud rate sees only framing errors.
    if (hostBaud !== this.baud || (this.mode !== 'rom' && this.mode !== 'stub')) return;
    if (this.options.faults.noResponse === 'silent') return;
    this.pending.push(...this.decoder.push(bytes));
    this.schedule();
  }

  /** Simulates pulling the USB cable: the chip loses power and the port reports the device as lost. */
  loseLink(): void {
    if (this.mode === 'lost') return;
    this.mode = 'lost';
    this.abortSessions();
    this.pending = [];
    this.options.onLinkLost();
  }

  private schedule(): void {
    if (this.processing) return;
    this.processing = true;
    // Never answer synchronously inside the host's write().
    setTimeout(() => {
      this.processing = false;
      while (this.pending.length > 0 && (this.mode === 'rom' || this.mode === 'stub')) {
        const frame = this.pending.shift() as Uint8Array;
        this.handleFrame(frame);
      }
      this.pending = [];
    }, 0);
  }

  private boot(mode: 'rom' | 'app'): void {
    this.mode = mode;
    this.baud = ROM_BAUD;
    this.decoder.reset();
    this.abortSessions();
    this.memSegments = [];
    this.boots.push({ mode, simMs: this.clockMs });
    if (mode === 'app' && this.options.faults.reenumerateOnAppBoot) {
      this.loseLink();
      return;
    }
    if (this.options.faults.noResponse === 'silent') return;
    const banner =
      mode === 'rom'
        ? 'ets Jul 29 2019 12:21:46\r\n\r\nrst:0x1 (POWERON_RESET),boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))\r\nwaiting for download\r\n'
        : 'ets Jul 29 2019 12:21:46\r\n\r\nrst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n';
    this.emit(new TextEncoder().encode(banner));
  }

  private abortSessions(): void {
    this.writeSession = null;
    this.memSession = null;
    this.readSession = null;
  }

  private emit(bytes: Uint8Array): void {
    this.bytesToHost += bytes.length;
    this.clockMs += (bytes.length * 10 * 1000) / this.baud;
    this.options.output(bytes, this.baud);
  }

  private get isStub(): boolean {
    return this.mode === 'stub';
  }

  private respond(op: number, value = 0, data: Uint8Array = new Uint8Array(0), failure?: FailureKind): void {
    const status = this.isStub
      ? failure
        ? [failure.stub >> 8, failure.stub & 0xff]
        : [0, 0]
      : failure
        ? [1, failure.rom, 0, 0]
        : [0, 0, 0, 0];
    const body = new Uint8Array(8 + data.length + status.length);
    const view = new DataView(body.buffer);
    body[0] = 0x01;
    body[1] = op;
    view.setUint16(2, data.length + status.length, true);
    view.setUint32(4, value >>> 0, true);
    body.set(data, 8);
    body.set(status, 8 + data.length);
    this.emit(slipEncode(body));
  }

  private handleFrame(frame: Uint8Array): void {
    if (this.readSession) {
      this.handleReadAck(frame);
      return;
    }
    if (frame.length < 8 || frame[0] !== 0x00) return;
    const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    const op = frame[1];
    const size = view.getUint16(2, true);
    const checksum = view.getUint32(4, true);
    const data = frame.subarray(8);
    if (data.length !== size) return;
    const mode = this.isStub ? 'stub' : 'rom';
    const entry: TraceEntry = { atMs: this.clockMs, mode, op, name: OP_NAMES.get(op) ?? `0x${op.toString(16)}`, length: size, result: 'ok' };
    this.trace.push(entry);
    try {
      this.dispatch(op, data, checksum, entry);
    } catch (err) {
      if (!(err instanceof CommandFailure)) throw err;
      entry.result = err.kind.text;
      this.respond(op, 0, new Uint8Array(0), err.kind);
    }
  }

  private dispatch(op: number, data: Uint8Array, checksum: number, entry: TraceEntry): void {
    const word = (i: number): number => new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(i * 4, true);
    if (!this.isStub && STUB_ONLY.has(op)) {
      this.answerUnsupported(entry);
      return;
    }
    switch (op) {
      case Op.SYNC:
        this.sync(data);
        return;
      case Op.READ_REG:
        this.respond(op, this.readReg(word(0)));
        return;
      case Op.WRITE_REG:
        for (let i = 0; i + 16 <= data.length; i += 16) this.writeReg(word(i / 4), word(i / 4 + 1), word(i / 4 + 2));
        this.respond(op);
        return;
      case Op.GET_SECURITY_INFO:
        this.securityInfo(entry);
        return;
      case Op.MEM_BEGIN:
        this.memSession = { size: word(0), addr: word(3), received: 0, nextSeq: 0 };
        this.memSegments.push([word(3), word(3) + word(0)]);
        this.respond(op);
        return;
      case Op.MEM_DATA:
        this.memData(data, checksum);
        this.respond(op);
        return;
      case Op.MEM_END:
        this.memEnd(word(0), word(1));
        return;
      case Op.SPI_ATTACH:
      case Op.SPI_SET_PARAMS:
        this.respond(op);
        return;
      case Op.CHANGE_BAUDRATE:
        this.respond(op);
        this.baud = word(0);
        return;
      case Op.FLASH_BEGIN:
      case Op.FLASH_DEFL_BEGIN:
        entry.address = word(3);
        this.beginWrite(op === Op.FLASH_DEFL_BEGIN, word(0), word(3));
        this.respond(op);
        return;
      case Op.FLASH_DATA:
      case Op.FLASH_DEFL_DATA:
        this.writeData(op, data, checksum, entry);
        return;
      case Op.FLASH_END:
      case Op.FLASH_DEFL_END:
        this.endWrite(op, word(0));
        return;
      case Op.SPI_FLASH_MD5:
        entry.address = word(0);
        this.md5(word(0), word(1));
        return;
      case Op.ERASE_FLASH:
        this.waitForFlash(this.timing.chipEraseMs);
        this.flash.eraseAll();
        this.respond(op);
        return;
      case Op.ERASE_REGION:
        entry.address = word(0);
        if (word(0) % SECTOR_SIZE !== 0 || word(1) % SECTOR_SIZE !== 0) throw new CommandFailure(Failure.badParam);
        this.waitForFlash(this.eraseTime(word(0), word(1)));
        this.flash.erase(word(0), word(1));
        this.respond(op);
        return;
      case Op.READ_FLASH:
        entry.address = word(0);
        this.startRead(word(0), word(1), word(2));
        return;
      case Op.RUN_USER_CODE:
        this.boot('app');
        return;
      default:
        this.answerUnsupported(entry);
    }
  }

  private answerUnsupported(entry: TraceEntry): void {
    entry.result = 'unsupported';
    if (this.isStub) {
      this.respond(entry.op, 0, new Uint8Array(0), Failure.invalidMessage);
      return;
    }
    // The ROM repeats the "invalid message" answer 8 times, with a command byte that differs from the request.
    for (let i = 0; i < 8; i++) this.respondAs(0x00, Failure.invalidMessage);
  }

  private respondAs(op: number, failure: FailureKind): void {
    const body = Uint8Array.from([0x01, op, 4, 0, 0, 0, 0, 0, 1, failure.rom, 0, 0]);
    this.emit(slipEncode(body));
  }

  private sync(data: Uint8Array): void {
    const expected = [0x07, 0x07, 0x12, 0x20];
    const valid = data.length === 36 && expected.every((b, i) => data[i] === b) && data.subarray(4).every((b) => b === 0x55);
    if (!valid) return;
    const value = this.isStub ? 0 : SYNC_VALUE_ROM;
    for (let i = 0; i < 8; i++) this.respond(Op.SYNC, value);
  }

  private readReg(addr: number): number {
    return this.regs.get(addr >>> 0) ?? 0;
  }

  private writeReg(addr: number, value: number, mask: number): void {
    const spi = this.options.profile.spi;
    const cmdReg = spi.base;
    const old = this.readReg(addr);
    const next = ((old & ~mask) | (value & mask)) >>> 0;
    if (addr === cmdReg && next & SPI_CMD_USR) {
      this.runSpiCommand(this.readReg(spi.base + spi.usr2) & 0xff);
      this.regs.set(addr, next & ~SPI_CMD_USR);
      return;
    }
    this.regs.set(addr >>> 0, next);
  }

  private runSpiCommand(opcode: number): void {
    const spi = this.options.profile.spi;
    const RDID = 0x9f;
    this.regs.set(spi.base + spi.w0, opcode === RDID ? this.options.jedecId : 0);
  }

  private securityInfo(entry: TraceEntry): void {
    const info = this.options.profile.securityInfo;
    if (info === 'unsupported') {
      this.answerUnsupported(entry);
      return;
    }
    const payload = new Uint8Array(info === 'no-chip-id' ? 12 : 20);
    if (info !== 'no-chip-id') {
      const view = new DataView(payload.buffer);
      view.setUint32(12, info.chipId, true);
      view.setUint32(16, 1, true);
    }
    this.respond(Op.GET_SECURITY_INFO, 0, payload);
  }

  private memData(data: Uint8Array, checksum: number): void {
    const session = this.memSession;
    if (!session) throw new CommandFailure(Failure.notInFlashMode);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const length = view.getUint32(0, true);
    const seq = view.getUint32(4, true);
    const payload = data.subarray(16);
    if (payload.length !== length || seq !== session.nextSeq) throw new CommandFailure(Failure.badParam);
    if (xorChecksum(payload) !== (checksum & 0xff)) throw new CommandFailure(Failure.checksum);
    session.received += length;
    session.nextSeq++;
    this.ramBytesLoaded += length;
  }

  private memEnd(flag: number, entryPoint: number): void {
    const complete = this.memSession !== null && this.memSession.received >= this.memSession.size;
    const inLoadedCode = this.memSegments.some(([start, end]) => entryPoint >= start && entryPoint < end);
    if (!complete || (flag === 0 && !inLoadedCode)) throw new CommandFailure(Failure.badParam);
    this.respond(Op.MEM_END);
    this.memSession = null;
    if (flag === 0) {
      this.mode = 'stub';
      this.emit(slipEncode(new TextEncoder().encode('OHAI')));
    }
  }

  private beginWrite(compressed: boolean, size: number, offset: number): void {
    if (offset % SECTOR_SIZE !== 0 || offset + size > this.flash.size) throw new CommandFailure(Failure.badParam);
    const session: WriteSession = { compressed, offset, size, written: 0, nextSeq: 0, erasedTo: offset };
    if (!this.isStub) {
      // The ROM erases the whole region up front; the stub erases while data arrives.
      this.waitForFlash(this.eraseTime(offset, size));
      this.flash.erase(offset, size);
      session.erasedTo = offset + roundUp(size, SECTOR_SIZE);
    }
    if (compressed) session.inflater = new Inflate();
    this.writeSession = session;
  }

  private writeData(op: number, data: Uint8Array, checksum: number, entry: TraceEntry): void {
    const session = this.writeSession;
    if (!session || session.compressed !== (op === Op.FLASH_DEFL_DATA)) throw new CommandFailure(Failure.notInFlashMode);
    entry.address = session.offset + session.written;
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const length = view.getUint32(0, true);
    const seq = view.getUint32(4, true);
    const payload = data.subarray(16);
    if (payload.length !== length) throw new CommandFailure(Failure.badParam);
    if (xorChecksum(payload) !== (checksum & 0xff) || this.shouldReject(seq, session)) throw new CommandFailure(Failure.checksum);
    if (seq !== session.nextSeq) throw new CommandFailure(Failure.badParam);
    session.nextSeq++;
    const chunks: Uint8Array[] = [];
    if (session.inflater) {
      const inflater = session.inflater;
      inflater.onData = (chunk: Uint8Array) => chunks.push(chunk.slice());
      inflater.push(payload, false);
      if (inflater.err) throw new CommandFailure(Failure.inflate);
    } else {
      chunks.push(payload.subarray(0, Math.max(0, session.size - session.written)));
    }
    const total = chunks.reduce((n, c) => n + c.length, 0);
    if (session.compressed && session.written + total > session.size) throw new CommandFailure(Failure.tooMuchData);
    const start = session.offset + session.written;
    let workMs = 0;
    if (this.isStub) workMs += this.lazyErase(session, start + total);
    workMs += (total / 256) * this.timing.pageProgramMs;
    // The stub acknowledges a block once it can start writing it (double buffering); the ROM only after writing.
    const startWork = Math.max(this.clockMs, this.busyUntilMs);
    this.busyUntilMs = startWork + workMs;
    this.clockMs = this.isStub ? startWork : this.busyUntilMs;
    this.respond(op);
    let at = start;
    for (const chunk of chunks) {
      if (this.mode === 'lost') return;
      this.programWithFaults(at, chunk);
      at += chunk.length;
    }
    session.written += total;
  }

  private shouldReject(seq: number, session: WriteSession): boolean {
    const fault = this.options.faults.rejectDataBlock;
    if (!fault || fault.seq !== seq || this.rejectionsLeft <= 0) return false;
    if (fault.offset !== undefined && fault.offset !== session.offset) return false;
    this.rejectionsLeft--;
    return true;
  }

  private programWithFaults(at: number, chunk: Uint8Array): void {
    const faults = this.options.faults;
    const dropAt = faults.dropLinkAfterProgrammedBytes;
    let data = chunk;
    if (dropAt !== undefined && this.flash.programmedBytes + chunk.length >= dropAt) {
      data = chunk.subarray(0, Math.max(0, dropAt - this.flash.programmedBytes));
    }
    this.flash.program(at, data);
    const stuck = faults.corruptFlashByteAt;
    if (stuck !== undefined && stuck >= at && stuck < at + data.length) this.flash.bytes[stuck] ^= 0x01;
    if (data.length < chunk.length || (dropAt !== undefined && this.flash.programmedBytes >= dropAt)) this.loseLink();
  }

  private lazyErase(session: WriteSession, upTo: number): number {
    let ms = 0;
    const regionEnd = session.offset + roundUp(session.size, SECTOR_SIZE);
    while (session.erasedTo < upTo && session.erasedTo < regionEnd) {
      const useBlock = session.erasedTo % BLOCK_SIZE === 0 && regionEnd - session.erasedTo >= BLOCK_SIZE;
      const length = useBlock ? BLOCK_SIZE : SECTOR_SIZE;
      this.flash.erase(session.erasedTo, length);
      ms += useBlock ? this.timing.blockEraseMs : this.timing.sectorEraseMs;
      session.erasedTo += length;
    }
    return ms;
  }

  private eraseTime(offset: number, size: number): number {
    let ms = 0;
    let at = offset;
    const end = offset + roundUp(size, SECTOR_SIZE);
    while (at < end) {
      const useBlock = at % BLOCK_SIZE === 0 && end - at >= BLOCK_SIZE;
      ms += useBlock ? this.timing.blockEraseMs : this.timing.sectorEraseMs;
      at += useBlock ? BLOCK_SIZE : SECTOR_SIZE;
    }
    return ms;
  }

  private endWrite(op: number, flag: number): void {
    const session = this.writeSession;
    if (!session) throw new CommandFailure(Failure.notInFlashMode);
    this.waitForFlash(0);
    this.writeSession = null;
    this.respond(op);
    if (flag === 0) this.boot('app');
  }

  private md5(addr: number, size: number): void {
    if (addr + size > this.flash.size) throw new CommandFailure(Failure.badParam);
    this.waitForFlash((size / this.timing.md5BytesPerSecond) * 1000);
    const digest = md5(this.flash.read(addr, size));
    const payload = this.isStub ? digest : new TextEncoder().encode(hex(digest));
    this.respond(Op.SPI_FLASH_MD5, 0, payload);
  }

  /** Waits until pending flash work is done, then spends `ms` more. */
  private waitForFlash(ms: number): void {
    this.clockMs = Math.max(this.clockMs, this.busyUntilMs) + ms;
    this.busyUntilMs = this.clockMs;
  }

  private startRead(offset: number, length: number, packetSize: number): void {
    if (offset + length > this.flash.size || packetSize === 0) throw new CommandFailure(Failure.badParam);
    this.waitForFlash(0);
    this.respond(Op.READ_FLASH);
    this.readSession = { offset, length, packetSize, sent: 0 };
    this.sendReadPacket();
  }

  private sendReadPacket(): void {
    const session = this.readSession as ReadSession;
    const size = Math.min(session.packetSize, session.length - session.sent);
    this.emit(slipEncode(this.flash.read(session.offset + session.sent, size)));
    session.sent += size;
  }

  private handleReadAck(frame: Uint8Array): void {
    const session = this.readSession as ReadSession;
    if (frame.length !== 4) return;
    const acked = new DataView(frame.buffer, frame.byteOffset, 4).getUint32(0, true);
    if (acked < session.sent) return;
    if (session.sent < session.length) {
      this.sendReadPacket();
      return;
    }
    this.readSession = null;
    this.emit(slipEncode(md5(this.flash.read(session.offset, session.length))));
  }
}

function xorChecksum(data: Uint8Array): number {
  let state = CHECKSUM_SEED;
  for (const b of data) state ^= b;
  return state;
}

function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
