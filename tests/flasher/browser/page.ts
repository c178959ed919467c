// Entry of the browser test page: a Web Serial shim whose requestPort() returns a simulated board, and a
// hook the test calls to flash it with the real engine. Bundled by esbuild; esptool-js ends up in a lazy chunk.
import { flashDevice, type FlashPart, type FlashProgress, type SerialPortLike } from '@kubeflash/flasher';
import { createSimulator, type Simulator } from '@kubeflash/flasher/simulator';

interface PartSpec {
  name: string;
  offset: number;
  url: string;
}

interface RunResult {
  chip: string;
  percents: number[];
  lastStage: string;
  partsMatch: Record<string, boolean>;
  bootModes: string[];
  error?: string;
}

let simulator: Simulator | undefined;

const serial = {
  // The shim hands out the simulated board exactly where a page gets a real one.
  requestPort: async (): Promise<SerialPortLike> => {
    if (!simulator) throw new Error('no simulated board plugged in');
    return simulator.port;
  },
  getPorts: async (): Promise<SerialPortLike[]> => (simulator ? [simulator.port] : []),
};
const nav = (globalThis as unknown as { navigator: Record<string, unknown> }).navigator;
Object.defineProperty(nav, 'serial', { value: serial, configurable: true });

async function run(chip: 'ESP32' | 'ESP32-C3' | 'ESP32-S3', specs: PartSpec[]): Promise<RunResult> {
  simulator = createSimulator({ chip });
  const parts: FlashPart[] = [];
  for (const spec of specs) {
    const response = await fetch(spec.url);
    parts.push({ name: spec.name, offset: spec.offset, data: new Uint8Array(await response.arrayBuffer()) });
  }
  const port = await (nav.serial as typeof serial).requestPort();
  const events: FlashProgress[] = [];
  const result: RunResult = { chip: '', percents: [], lastStage: '', partsMatch: {}, bootModes: [] };
  try {
    const flashed = await flashDevice(port, { chip, mode: 'full', parts }, { onProgress: (p) => events.push(p), baudrate: 921600 });
    result.chip = flashed.chip;
  } catch (err) {
    result.error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  }
  result.percents = events.map((e) => e.percent);
  result.lastStage = events.length > 0 ? events[events.length - 1].stage : '';
  for (const part of parts) {
    const inFlash = simulator.device.flash.read(part.offset, part.data.length);
    result.partsMatch[part.name] = inFlash.every((b, i) => b === part.data[i]);
  }
  result.bootModes = simulator.device.boots.map((b) => b.mode);
  return result;
}

(globalThis as unknown as { kubeflashTest: unknown }).kubeflashTest = { run };
