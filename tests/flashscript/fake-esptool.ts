import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A stand-in for esptool.py on PATH: records its arguments in `$FAKE_FLASH.args` and writes every
 * `<offset> <file>` pair of write_flash into a 4 MiB erased flash image `$FAKE_FLASH`, so a test can
 * check what would land where on the board.
 */
const FAKE_ESPTOOL = `#!/bin/sh
printf '%s\\n' "$*" > "$FAKE_FLASH.args"
[ -f "$FAKE_FLASH" ] || head -c 4194304 /dev/zero | tr '\\000' '\\377' > "$FAKE_FLASH"
while [ $# -gt 0 ] && [ "$1" != write_flash ]; do shift; done
shift
while [ $# -gt 0 ]; do
  case "$1" in
    --flash_mode|--flash_freq|--flash_size) shift 2 ;;
    0x*) dd if="$2" of="$FAKE_FLASH" bs=4096 seek=$(( $1 / 4096 )) conv=notrunc 2>/dev/null; shift 2 ;;
    *) echo "unexpected argument $1" >&2; exit 9 ;;
  esac
done
`;

/** Writes the fake esptool.py into `<dir>/bin` and returns that folder (to put first on PATH). */
export function installFakeEsptool(dir: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'esptool.py'), FAKE_ESPTOOL);
  chmodSync(join(bin, 'esptool.py'), 0o755);
  return bin;
}
