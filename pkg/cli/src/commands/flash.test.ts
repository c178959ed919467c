import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { SerialPortMock } from 'serialport';
import { NodeWebSerialPort, type NodeSerialPortLike } from '@kubeflash/flasher/node';
import { createSimulator, type SimulatedSerialPort, type Simulator } from '@kubeflash/flasher/simulator';
import { espVectorsDir } from '@kubeflash/esp/test-vectors';
import { UsageError } from '@kubeflash/operator/cli';
import { ProgressBar, registerFlashCommand, runFlashCommand, type FlashCommandDeps } from './flash';

type Callback = (err?: Error | null) => void;

/** A Node-stream-style serial port (the `serialport` API) over the simulator, to drive NodeWebSerialPort. */
class NodeStyleSimulatedPort extends EventEmitter implements NodeSerialPortLike {
  private reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  private writer: WritableStreamDefaultWriter<Uint8Array> | undefined;
  updates: number[] = [];

  constructor(
    private readonly sim: SimulatedSerialPort,
    private readonly baudRate: number,
  ) {
    super();
  }

  open(cb: Callback): void {
    this.sim.open({ baudRate: this.baudRate }).then(() => {
      this.reader = this.sim.readable?.getReader();
      this.writer = this.sim.writable?.getWriter();
      void this.pump();
      cb(null);
    }, cb);
  }

  private async pump(): Promise<void> {
    for (;;) {
      const next = await this.reader?.read().catch(() => ({ done: true, value: undefined }));
      if (!next || next.done) return;
      this.emit('data', Buffer.from(next.value as Uint8Array));
    }
  }

  write(data: Uint8Array, cb?: Callback): boolean {
    this.writer?.write(data).then(() => cb?.(null), (err: Error) => cb?.(err));
    return true;
  }

  override removeListener(event: string, listener: (...args: never[]) => void): this {
    return super.removeListener(event, listener as (...args: unknown[]) => void);
  }

  drain(cb: Callback): void {
    cb(null);
  }

  set(options: { dtr: boolean; rts: boolean; brk: boolean }, cb: Callback): void {
    this.sim.setSignals({ dataTerminalReady: options.dtr, requestToSend: options.rts, break: options.brk }).then(() => cb(null), cb);
  }

  update(options: { baudRate: number }, cb: Callback): void {
    this.updates.push(options.baudRate);
    (this.sim as { setBaudRate?: (b: number) => Promise<void> }).setBaudRate?.(options.baudRate).then(() => cb(null), cb);
  }

  close(cb: Callback): void {
    void (async () => {
      await this.reader?.cancel().catch(() => {});
      this.reader?.releaseLock();
      this.writer?.releaseLock();
      await this.sim.close();
      cb(null);
    })();
  }
}

function capture(): { deps: Omit<FlashCommandDeps, 'openPort'>; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    deps: { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t), isTTY: false } },
    out: () => out,
    err: () => err,
  };
}

function image(size: number, seed: number): Uint8Array {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (i * seed + (i >> 7)) & 0xff;
  return data;
}

describe('kubeflash flash', () => {
  let dir: string;
  const bootloader = image(9000, 3);
  const app = image(120_000, 5);
  const config = image(0x6000, 7);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kubeflash-flash-'));
    writeFileSync(join(dir, 'bootloader.bin'), bootloader);
    writeFileSync(join(dir, 'app.bin'), app);
    writeFileSync(join(dir, 'config.bin'), config);
    const plan = {
      chip: 'esp32',
      parts: [
        { name: 'bootloader', offset: '0x1000', file: 'bootloader.bin' },
        { name: 'app', offset: 65536, file: 'app.bin' },
        { name: 'config', offset: '0x390000', file: 'config.bin' },
      ],
    };
    writeFileSync(join(dir, 'kubeflash-plan.json'), JSON.stringify(plan));
    writeFileSync(join(dir, 'broken.json'), '{"chip": ');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const inFlash = (sim: Simulator, offset: number, data: Uint8Array): boolean => Buffer.from(sim.device.flash.read(offset, data.length)).equals(Buffer.from(data));

  it('flashes a plan folder through commander, printing stage lines and a summary', async () => {
    const sim = createSimulator({ chip: 'ESP32' });
    const io = capture();
    const program = new Command('kubeflash').exitOverride();
    registerFlashCommand(program, { ...io.deps, openPort: async () => sim.port });
    await program.parseAsync(['node', 'kubeflash', 'flash', '--port', '/dev/ttyFAKE', dir]);
    expect(inFlash(sim, 0x1000, bootloader) && inFlash(sim, 0x10000, app) && inFlash(sim, 0x390000, config)).toBe(true);
    expect(io.out()).toMatch(/^Flashing ESP32 on \/dev\/ttyFAKE: bootloader@0x1000, app@0x10000, config@0x390000 \(150 KiB, full\)\n/);
    expect(io.out()).toMatch(/Done: ESP32-D0WDQ6 \(revision 0\), MAC 24:0a:c4:12:34:56; 3 region\(s\) verified by MD5/);
    expect(io.err().split('\n')).toEqual(expect.arrayContaining(['connecting (0%)', 'writing app', 'verifying config (99%)', 'done (100%)']));
    expect(sim.device.mode).toBe('app');
  });

  it('--config-only writes only the config partition', async () => {
    const sim = createSimulator({ chip: 'ESP32' });
    const io = capture();
    await runFlashCommand(join(dir, 'kubeflash-plan.json'), { port: 'x', configOnly: true, baud: '460800' }, { ...io.deps, openPort: async () => sim.port });
    expect(inFlash(sim, 0x390000, config)).toBe(true);
    expect([...sim.device.flash.touchedSectors].every((s) => s >= 0x390 && s < 0x396)).toBe(true);
    expect(io.out()).toMatch(/config@0x390000 \(24 KiB, config-only\)/);
  });

  it('runs over the Node serial adapter with an in-place baud change', async () => {
    const sim = createSimulator({ chip: 'ESP32', port: { inPlaceBaudChange: true } });
    const nodePorts: NodeStyleSimulatedPort[] = [];
    const port = new NodeWebSerialPort((baud) => {
      const p = new NodeStyleSimulatedPort(sim.port, baud);
      nodePorts.push(p);
      return p;
    }, { usbVendorId: 0x10c4, usbProductId: 0xea60 });
    const io = capture();
    await runFlashCommand(dir, { port: 'x', baud: '921600' }, { ...io.deps, openPort: async () => port });
    expect(inFlash(sim, 0x10000, app)).toBe(true);
    expect(nodePorts).toHaveLength(1);
    expect(nodePorts[0].updates).toEqual([921600]);
    expect(sim.port.openCount).toBe(1);
  });

  it('turns flasher errors into one message with the action to take', async () => {
    const sim = createSimulator({ chip: 'ESP32-C3' });
    const io = capture();
    await expect(runFlashCommand(dir, { port: 'x', baud: '921600' }, { ...io.deps, openPort: async () => sim.port })).rejects.toThrow(
      'This board is an ESP32-C3, but the firmware is built for ESP32. Nothing was written.\n  What to do: Connect an ESP32 board',
    );
  });

  it.each([
    [{ configOnly: true, erase: true }, '', /cannot be combined/],
    [{ baud: 'fast' }, '', /--baud must be a baud rate/],
    [{}, 'broken.json', /broken.json is not valid JSON/],
    [{}, 'missing', /not found/],
    [{ firmware: 'fw' }, '', /--firmware goes with a device folder/],
    [{}, 'empty-folder', /holds no kubeflash-plan.json/],
  ])('rejects bad input %# as a usage error', async (options, name, message) => {
    const target = name === 'empty-folder' ? mkdtempSync(join(tmpdir(), 'kubeflash-empty-')) : join(dir, name);
    const io = capture();
    const run = runFlashCommand(target, { port: 'x', baud: '921600', ...options }, { ...io.deps, openPort: async () => createSimulator({ chip: 'ESP32' }).port });
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow(message);
  });

  it('draws a terminal progress bar', () => {
    let text = '';
    const bar = new ProgressBar({ write: (t: string) => (text += t), isTTY: true, columns: 80 });
    bar.update({ stage: 'writing', region: 'app', bytesWritten: 51200, totalBytes: 102400, percent: 50 });
    bar.finish();
    expect(text).toBe('\rwriting app              [###############---------------]  50% 50 KiB/100 KiB\n');
  });

  it('adapts the serialport package API (SerialPortMock): streams, lines and in-place baud changes', async () => {
    SerialPortMock.binding.createPort('/dev/ttyMOCK', { echo: false, record: true });
    let mock: SerialPortMock | undefined;
    const port = new NodeWebSerialPort((baudRate) => (mock = new SerialPortMock({ path: '/dev/ttyMOCK', baudRate, autoOpen: false })));
    await port.open({ baudRate: 115200 });
    const writer = port.writable?.getWriter();
    await writer?.write(Uint8Array.from([0xc0, 1, 2, 0xc0]));
    writer?.releaseLock();
    expect(Array.from(mock?.port?.recording ?? [])).toEqual([0xc0, 1, 2, 0xc0]);
    const reader = port.readable?.getReader();
    mock?.port?.emitData(Buffer.from([9, 8, 7]));
    expect(Array.from((await reader?.read())?.value ?? [])).toEqual([9, 8, 7]);
    await reader?.cancel();
    reader?.releaseLock();
    await port.setSignals({ dataTerminalReady: false, requestToSend: true });
    await port.setBaudRate(921600);
    expect(mock?.baudRate).toBe(921600);
    await port.close();
    expect(mock?.isOpen).toBe(false);
    await expect(port.setSignals({ requestToSend: false })).rejects.toThrow('The port is closed.');
    SerialPortMock.binding.reset();
  });

  describe('a device folder (kubeflash render output) with --firmware', () => {
    const vectors = espVectorsDir();
    const vector = (...path: string[]): Uint8Array => {
      const file = join(vectors, ...path);
      if (!existsSync(file)) throw new Error(`golden vector missing: ${file}`);
      return new Uint8Array(readFileSync(file));
    };
    let deviceDir: string;
    let firmwareDir: string;
    const deviceConfig = (): Uint8Array => vector('nvs', '02a_encrypted_config', 'output.bin');
    const deviceKeys = (): Uint8Array => vector('nvs', '02a_encrypted_config', 'keys.bin');

    beforeAll(() => {
      deviceDir = join(dir, 'out', 'demo', 'sensor-1');
      firmwareDir = join(dir, 'build');
      mkdirSync(deviceDir, { recursive: true });
      mkdirSync(firmwareDir, { recursive: true });
      writeFileSync(join(deviceDir, 'config.bin'), deviceConfig());
      writeFileSync(join(deviceDir, 'nvs_keys.bin'), deviceKeys());
      writeFileSync(join(firmwareDir, 'bootloader.bin'), bootloader);
      writeFileSync(join(firmwareDir, 'partition-table.bin'), vector('partition_table', '03c_config_nvs_keys', 'output.bin'));
      writeFileSync(join(firmwareDir, 'sensor.bin'), app);
      const manifest = {
        name: 'sensor',
        builds: [{ chipFamily: 'ESP32', parts: [{ path: 'bootloader.bin', offset: 4096 }, { path: 'partition-table.bin', offset: 32768 }, { path: 'sensor.bin', offset: 65536 }] }],
      };
      writeFileSync(join(firmwareDir, 'manifest.json'), JSON.stringify(manifest));
    });

    it('puts config.bin and nvs_keys.bin where the firmware partition table says', async () => {
      const sim = createSimulator({ chip: 'ESP32' });
      const io = capture();
      await runFlashCommand(deviceDir, { port: 'x', firmware: firmwareDir, baud: '921600' }, { ...io.deps, openPort: async () => sim.port });
      expect(inFlash(sim, 0x10000, app) && inFlash(sim, 0x390000, deviceConfig()) && inFlash(sim, 0x396000, deviceKeys())).toBe(true);
      expect(io.out()).toMatch(/bootloader@0x1000, partition-table@0x8000, app@0x10000, config@0x390000, nvs_keys@0x396000/);
    });

    it('--config-only rewrites just the config and keys', async () => {
      const sim = createSimulator({ chip: 'ESP32' });
      const io = capture();
      await runFlashCommand(deviceDir, { port: 'x', firmware: join(firmwareDir, 'manifest.json'), configOnly: true, baud: '921600' }, { ...io.deps, openPort: async () => sim.port });
      expect([...sim.device.flash.touchedSectors].every((s) => s >= 0x390 && s < 0x397)).toBe(true);
      expect(inFlash(sim, 0x390000, deviceConfig())).toBe(true);
    });

    it('needs --firmware, and a config partition label the table has', async () => {
      const io = capture();
      const deps = { ...io.deps, openPort: async () => createSimulator({ chip: 'ESP32' }).port };
      await expect(runFlashCommand(deviceDir, { port: 'x', baud: '921600' }, deps)).rejects.toThrow(/is a device folder: say which firmware to flash with --firmware/);
      await expect(runFlashCommand(deviceDir, { port: 'x', firmware: firmwareDir, configLabel: 'settings', baud: '921600' }, deps)).rejects.toThrow(UsageError);
    });
  });
});
