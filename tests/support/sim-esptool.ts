// A stand-in for esptool.py backed by the ROM-loader simulator: the real flashing engine (esptool-js) talks
// to a simulated board over the fake serial port. Only `write_flash` is understood, with the arguments the
// generated flash scripts pass. The simulated flash persists in $SIM_FLASH between runs (one board), and the
// arguments of the last run go to $SIM_FLASH.args.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { flashDevice, normalizeChipName, type FlashPart } from '@kubeflash/flasher';
import { createSimulator } from '@kubeflash/flasher/simulator';

const FLASH_SIZE = 0x400000;

function fail(message: string): never {
  process.stderr.write(`sim-esptool: ${message}\n`);
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  const state = process.env.SIM_FLASH;
  if (!state) fail('SIM_FLASH is not set');
  writeFileSync(`${state}.args`, `${argv.join(' ')}\n`);
  let chipArg: string | undefined;
  let baud = 460800;
  let i = 0;
  for (; i < argv.length && argv[i] !== 'write_flash'; i++) {
    if (argv[i] === '--chip') chipArg = argv[++i];
    else if (argv[i] === '--baud') baud = Number(argv[++i]);
    else if (['--port', '--before', '--after'].includes(argv[i])) i++;
    else fail(`unexpected argument ${argv[i]}`);
  }
  if (argv[i] !== 'write_flash') fail('only write_flash is simulated');
  const parts: FlashPart[] = [];
  for (i++; i < argv.length; i++) {
    const arg = argv[i];
    if (['--flash_mode', '--flash_freq', '--flash_size'].includes(arg)) {
      if (argv[i + 1] !== 'keep') fail(`${arg} ${argv[i + 1]}: the scripts keep the images' settings`);
      i++;
    } else if (/^0x[0-9a-f]+$/i.test(arg)) {
      const file = argv[++i];
      if (!file || !existsSync(file)) fail(`no file for offset ${arg}`);
      parts.push({ name: file.split('/').pop() ?? file, offset: Number(arg), data: new Uint8Array(readFileSync(file)) });
    } else {
      fail(`unexpected write_flash argument ${arg}`);
    }
  }
  const chip = chipArg ? normalizeChipName(chipArg) : undefined;
  if (!chip) fail(`unknown chip ${chipArg}`);
  const sim = createSimulator({ chip, flashSize: FLASH_SIZE });
  if (existsSync(state)) sim.device.flash.bytes.set(readFileSync(state));
  await flashDevice(sim.port, { chip, mode: 'full', parts }, { baudrate: baud });
  writeFileSync(state, sim.device.flash.bytes);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => fail(err instanceof Error ? err.message : String(err)),
);
