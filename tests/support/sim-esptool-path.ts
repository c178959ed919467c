import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const launcher = fileURLToPath(new URL('./sim-esptool.mjs', import.meta.url));

/**
 * Puts an `esptool.py` into `<dir>/bin` that flashes a simulated board with the real engine (see
 * sim-esptool.ts) and returns that folder, to go first on PATH. The board's flash persists in $SIM_FLASH.
 */
export function installSimulatedEsptool(dir: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'esptool.py'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(launcher)} "$@"\n`);
  chmodSync(join(bin, 'esptool.py'), 0o755);
  return bin;
}
