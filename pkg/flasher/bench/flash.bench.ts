// Flash benchmark against the ROM-loader simulator: bytes on the wire and simulated seconds for a full
// install (1 MiB app + 24 KiB config) and a config-only run, at 115200 and 921600 baud. Printed, not asserted.
// Simulated time = wire time at the current baud + datasheet-typical flash erase/program/MD5 time (the stub
// overlaps writing with receiving) + the reset pulses; host-side sleeps inside esptool-js are not counted.
import { readFileSync } from 'node:fs';
import { espVectorPath } from '@kubeflash/esp/test-vectors';
import { flashDevice, type FlashPart, type FlashPlan } from '@kubeflash/flasher';
import { createSimulator } from '@kubeflash/flasher/simulator';

const read = (...path: string[]): Uint8Array => new Uint8Array(readFileSync(espVectorPath(...path)));

// A 1 MiB app made of a real ESP-IDF app image repeated, so it compresses like real firmware.
const realApp = read('images', 'esp_idf_blink_esp32s2.bin');
const app = new Uint8Array(1024 * 1024);
for (let at = 0; at < app.length; at += realApp.length) app.set(realApp.subarray(0, Math.min(realApp.length, app.length - at)), at);
const config = read('nvs', '01a_config', 'output.bin');

const appPart: FlashPart = { name: 'app', offset: 0x10000, data: app };
const configPart: FlashPart = { name: 'config', offset: 0x390000, data: config };

interface Row {
  baud: number;
  mode: string;
  payload: number;
  hostBytes: number;
  chipBytes: number;
  simSeconds: number;
  wallSeconds: number;
}

async function measure(baud: number, plan: FlashPlan): Promise<Row> {
  const sim = createSimulator({ chip: 'ESP32-S2' });
  const started = Date.now();
  await flashDevice(sim.port, plan, { baudrate: baud });
  return {
    baud,
    mode: plan.mode,
    payload: plan.parts.reduce((n, p) => n + p.data.length, 0),
    hostBytes: sim.device.bytesFromHost,
    chipBytes: sim.device.bytesToHost,
    simSeconds: sim.simulatedSeconds(),
    wallSeconds: (Date.now() - started) / 1000,
  };
}

const rows: Row[] = [];
for (const baud of [115200, 921600]) {
  rows.push(await measure(baud, { chip: 'ESP32-S2', mode: 'full', parts: [appPart, configPart] }));
  rows.push(await measure(baud, { chip: 'ESP32-S2', mode: 'config-only', parts: [configPart] }));
}

const header = ['baud', 'mode', 'payload KiB', 'wire KiB (host->chip / chip->host)', 'sim s', 'effective KiB/s', 'raw line KiB/s', 'effective/raw', 'wall s'];
console.log(header.join(' | '));
for (const r of rows) {
  const effective = r.payload / r.simSeconds;
  const raw = r.baud / 10;
  console.log(
    [
      r.baud,
      r.mode,
      (r.payload / 1024).toFixed(0),
      `${((r.hostBytes + r.chipBytes) / 1024).toFixed(0)} (${(r.hostBytes / 1024).toFixed(0)} / ${(r.chipBytes / 1024).toFixed(1)})`,
      r.simSeconds.toFixed(2),
      (effective / 1024).toFixed(1),
      (raw / 1024).toFixed(1),
      (effective / raw).toFixed(2),
      r.wallSeconds.toFixed(1),
    ].join(' | '),
  );
}
const configFast = rows.find((r) => r.baud === 921600 && r.mode === 'config-only');
const fullFast = rows.find((r) => r.baud === 921600 && r.mode === 'full');
console.log(`goal: full install above the raw line rate at 921600: ${fullFast && fullFast.payload / fullFast.simSeconds > 92160 ? 'yes' : 'no'}`);
console.log(`goal: config-only under 2 simulated seconds at 921600 (incl. connect): ${configFast && configFast.simSeconds < 2 ? 'yes' : 'no'} (${configFast?.simSeconds.toFixed(2)} s)`);
