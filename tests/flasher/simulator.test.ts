// The simulator driven by esptool-js directly: the protocol paths the engine does not take, and the
// esptool-js pitfalls the engine works around, pinned so a change in either shows up here.
import { ESPLoader, Transport } from 'esptool-js';
import { md5Hex } from '@kubeflash/flasher';
import { createSimulator, type Simulator } from '@kubeflash/flasher/simulator';

const quiet = { clean: () => {}, writeLine: () => {}, write: () => {} };

function loaderFor(sim: Simulator, baudrate = 115200): { loader: ESPLoader; transport: Transport } {
  const transport = new Transport(sim.port as never, false);
  transport.trace = () => {};
  return { loader: new ESPLoader({ transport, baudrate, romBaudrate: 115200, terminal: quiet }), transport };
}

const data = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * seed + (i >> 9)) & 0xff);

describe('ROM-loader simulator under esptool-js', () => {
  it('identifies each chip the way esptool-js expects', async () => {
    const seen: string[] = [];
    for (const chip of ['ESP32', 'ESP32-S2', 'ESP32-S3', 'ESP32-C3']) {
      const sim = createSimulator({ chip });
      const { loader, transport } = loaderFor(sim);
      const description = await loader.main();
      seen.push(`${loader.chip.CHIP_NAME}: ${description}, ${await loader.chip.readMac(loader)}, stub ${loader.IS_STUB}`);
      await transport.disconnect();
    }
    expect(seen).toEqual([
      'ESP32: ESP32-D0WDQ6 (revision 0), 24:0a:c4:12:34:56, stub true',
      expect.stringMatching(/^ESP32-S2: ESP32-S2.*, 24:0a:c4:12:34:56, stub true$/),
      expect.stringMatching(/^ESP32-S3: ESP32-S3.*, 24:0a:c4:12:34:56, stub true$/),
      expect.stringMatching(/^ESP32-C3: ESP32-C3.*, 24:0a:c4:12:34:56, stub true$/),
    ]);
  });

  it('answers GET_SECURITY_INFO on ESP32 as an unsupported ROM command (8 answers, other op byte)', async () => {
    const sim = createSimulator({ chip: 'ESP32' });
    const { loader, transport } = loaderFor(sim);
    await loader.detectChip();
    expect(sim.device.trace.filter((t) => t.name === 'GET_SECURITY_INFO').map((t) => t.result)).toEqual(['unsupported']);
    await transport.disconnect();
  });

  it('stub: uncompressed writes, READ_FLASH with acks, ERASE_REGION, baud change by reopening the port', async () => {
    const sim = createSimulator({ chip: 'ESP32-C3' });
    const { loader, transport } = loaderFor(sim, 460800);
    await loader.main();
    expect(sim.port.openCount).toBe(2);
    const image = data(40_000, 13);
    await loader.writeFlash({ fileArray: [{ data: image, address: 0x20000 }], flashMode: 'keep', flashFreq: 'keep', flashSize: 'keep', eraseAll: false, compress: false, calculateMD5Hash: md5Hex });
    const back = await loader.readFlash(0x20000, image.length);
    expect(Buffer.from(back).equals(Buffer.from(image))).toBe(true);
    await loader.command(0xd1, Uint8Array.from([0, 0, 2, 0, 0, 0x10, 0, 0]));
    expect(sim.device.flash.read(0x20000, 0x1000).every((b) => b === 0xff)).toBe(true);
    expect(sim.device.trace.map((t) => t.name)).toEqual(expect.arrayContaining(['FLASH_BEGIN', 'FLASH_DATA', 'FLASH_END', 'READ_FLASH', 'ERASE_REGION']));
    await transport.disconnect();
  });

  it('ROM without stub writes correctly, but esptool-js then fails its MD5 compare (ASCII vs raw) — why the engine requires the stub', async () => {
    const sim = createSimulator({ chip: 'ESP32' });
    const { loader, transport } = loaderFor(sim);
    await loader.detectChip();
    const image = data(20_000, 7);
    const write = loader.writeFlash({ fileArray: [{ data: image, address: 0x30000 }], flashMode: 'keep', flashFreq: 'keep', flashSize: 'keep', eraseAll: false, compress: true, calculateMD5Hash: md5Hex });
    await expect(write).rejects.toThrow('MD5 of file does not match data in flash!');
    expect(Buffer.from(sim.device.flash.read(0x30000, image.length)).equals(Buffer.from(image))).toBe(true);
    expect(sim.device.trace.find((t) => t.name === 'SPI_FLASH_MD5')?.mode).toBe('rom');
    await transport.disconnect();
  });

  it("esptool-js after('hard_reset') alone leaves the board in the stub — why the engine pulses EN itself", async () => {
    const sim = createSimulator({ chip: 'ESP32' });
    const { loader, transport } = loaderFor(sim);
    await loader.main();
    await loader.after('hard_reset', false);
    expect(sim.device.mode).toBe('stub');
    expect(sim.device.boots.map((b) => b.mode)).toEqual(['rom']);
    await transport.disconnect();
  });

  it('the stub erases lazily, sector by sector, only inside the announced region', async () => {
    const sim = createSimulator({ chip: 'ESP32' });
    const { loader, transport } = loaderFor(sim);
    await loader.main();
    const first = data(0x1800, 3);
    await loader.writeFlash({ fileArray: [{ data: first, address: 0x40000 }], flashMode: 'keep', flashFreq: 'keep', flashSize: 'keep', eraseAll: false, compress: true, calculateMD5Hash: md5Hex });
    // The second sector of that write was erased before programming, the sector after it was never touched.
    expect([...sim.device.flash.touchedSectors].filter((s) => s >= 0x40).sort((a, b) => a - b)).toEqual([0x40, 0x41]);
    await transport.disconnect();
  });
});
