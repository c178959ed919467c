/**
 * The one flash-script generator (CLI, artifact service and extension all use it): a POSIX shell script that
 * flashes one device with Espressif's esptool (esptool.py v4 or esptool v5). It gets each firmware part
 * (downloaded, or from a folder) and checks its size and SHA-256, gets the device's config.bin and, for an
 * encrypted class, its nvs_keys.bin (from the cluster with kubectl, from signed URLs, from files, or embedded),
 * and writes everything in one `write_flash` with flash mode, frequency and size kept as in the images.
 * Browser-safe: no Node APIs.
 */

/** One firmware image and where it goes in flash. */
export interface ScriptFirmwarePart {
  /** e.g. bootloader, partition-table, otadata, app */
  name: string;
  /** File name used in the firmware folder and in download URLs. */
  file: string;
  offset: number;
  size: number;
  /** Lower-case hex. */
  sha256: string;
  /** Absolute URL to download it from; parts without one must come from `--firmware-dir`. */
  url?: string;
}

/** A partition the script writes device material into (from the firmware's own partition table). */
export interface ScriptPartition {
  label: string;
  offset: number;
  size: number;
}

/**
 * Where the device's configuration (and, for an encrypted class, its NVS keys) comes from when the script runs.
 * `--config FILE` and `--nvs-keys FILE` override every source.
 */
export type ScriptConfigSource =
  /** Read `data[config.bin]` (and `data[nvs_keys.bin]`) of the device's config Secret with kubectl (the default). */
  | { kind: 'kubectl'; secretName: string }
  /** The images are embedded in the script (the script then contains the device's secrets). */
  | { kind: 'embedded'; configBin: Uint8Array; nvsKeysBin?: Uint8Array }
  /** Downloaded with curl from (signed, expiring) URLs of the artifact service. */
  | { kind: 'url'; configUrl: string; nvsKeysUrl?: string }
  /** Only from `--config FILE` (and `--nvs-keys FILE`). */
  | { kind: 'file' };

/** Inputs of {@link generateFlashScript}. */
export interface FlashScriptInput {
  device: { namespace: string; name: string };
  /** esptool chip name: esp32, esp32s2, esp32s3, esp32c3, esp32c6, esp32h2 ... */
  chip: string;
  firmware: { name: string; version?: string; parts: ScriptFirmwarePart[] };
  /**
   * The config partition (from the firmware's own partition table); absent = firmware only, no secrets.
   * `nvsKeys` is the table's nvs_keys partition: set it for a class with NVS encryption, whose config cannot be
   * read without the keys written there.
   */
  config?: ScriptPartition & { source: ScriptConfigSource; nvsKeys?: ScriptPartition };
  /** Shown in the header, e.g. `kubeflash 0.1.0`. */
  generator: string;
  defaultPort?: string;
  defaultBaud?: number;
  /** Folder the script takes the parts from when run without --firmware-dir (parts without a URL need one). */
  defaultFirmwareDir?: string;
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/** Single-quotes a value for sh. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function assertSafeFileName(file: string): void {
  if (!/^[A-Za-z0-9._-]+$/.test(file) || file.startsWith('.')) {
    throw new Error(`firmware part file name "${file}" must be a plain file name (letters, digits, ".", "_", "-")`);
  }
}

function assertHttpUrl(url: string, what: string): void {
  if (!/^https?:\/\/[^\s]+$/.test(url)) throw new Error(`${what} must be an absolute http(s) URL without spaces, got "${url}"`);
}

function checkConfig(config: NonNullable<FlashScriptInput['config']>, regions: { name: string; start: number; end: number }[]): void {
  const { offset, size, label, source, nvsKeys } = config;
  if (offset % 0x1000 !== 0) throw new Error(`config partition "${label}": offset ${hex(offset)} is not a multiple of 0x1000`);
  regions.push({ name: `config partition "${label}"`, start: offset, end: offset + size });
  if (source.kind === 'embedded' && source.configBin.length > size) {
    throw new Error(`config.bin is ${source.configBin.length} bytes; the config partition "${label}" holds ${size}`);
  }
  if (source.kind === 'url') {
    assertHttpUrl(source.configUrl, 'the config.bin URL');
    if (source.nvsKeysUrl !== undefined) assertHttpUrl(source.nvsKeysUrl, 'the nvs_keys.bin URL');
  }
  const embeddedKeys = source.kind === 'embedded' ? source.nvsKeysBin : undefined;
  const urlKeys = source.kind === 'url' ? source.nvsKeysUrl : undefined;
  if (!nvsKeys) {
    if (embeddedKeys || urlKeys) throw new Error('the device has NVS keys (nvs_keys.bin), but no nvs_keys partition was given to write them to');
    return;
  }
  if (nvsKeys.offset % 0x1000 !== 0) throw new Error(`nvs_keys partition "${nvsKeys.label}": offset ${hex(nvsKeys.offset)} is not a multiple of 0x1000`);
  regions.push({ name: `nvs_keys partition "${nvsKeys.label}"`, start: nvsKeys.offset, end: nvsKeys.offset + nvsKeys.size });
  if (source.kind === 'embedded') {
    if (!embeddedKeys) throw new Error(`the class encrypts its config: embed nvs_keys.bin too, or config partition "${label}" cannot be decrypted`);
    if (embeddedKeys.length > nvsKeys.size) throw new Error(`nvs_keys.bin is ${embeddedKeys.length} bytes; the nvs_keys partition "${nvsKeys.label}" holds ${nvsKeys.size}`);
  }
  if (source.kind === 'url' && !urlKeys) throw new Error(`the class encrypts its config: give the nvs_keys.bin URL too, or config partition "${label}" cannot be decrypted`);
}

function checkInput(input: FlashScriptInput): void {
  if (!/^[a-z0-9]+$/.test(input.chip)) throw new Error(`chip "${input.chip}" is not an esptool chip name`);
  if (input.firmware.parts.length === 0) throw new Error(`firmware ${input.firmware.name} has no parts to flash`);
  const regions = input.firmware.parts.map((p) => ({ name: p.name, start: p.offset, end: p.offset + p.size }));
  for (const part of input.firmware.parts) {
    assertSafeFileName(part.file);
    if (!/^[0-9a-f]{64}$/.test(part.sha256)) throw new Error(`firmware part ${part.name}: sha256 must be 64 lower-case hex digits`);
    if (part.offset % 0x1000 !== 0) throw new Error(`firmware part ${part.name}: offset ${hex(part.offset)} is not a multiple of 0x1000`);
    if (part.url !== undefined) assertHttpUrl(part.url, `firmware part ${part.name}: the URL`);
  }
  if (input.config) checkConfig(input.config, regions);
  regions.sort((a, b) => a.start - b.start);
  for (let i = 1; i < regions.length; i++) {
    if (regions[i].start < regions[i - 1].end) {
      throw new Error(`${regions[i].name} at ${hex(regions[i].start)} overlaps ${regions[i - 1].name} (${hex(regions[i - 1].start)}..${hex(regions[i - 1].end)})`);
    }
  }
}

/** Standard base64 in lines of 76 characters (works in browsers and Node). */
function base64Lines(data: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < data.length; i += 0x8000) binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
  return (btoa(binary).match(/.{1,76}/g) ?? []).join('\n');
}

/** Lines that put one device file (config.bin or nvs_keys.bin) into "$WORK/<file>" from the configured source. */
function deviceFileLines(
  file: 'config.bin' | 'nvs_keys.bin',
  variable: string,
  source: ScriptConfigSource,
  partition: ScriptPartition,
): string[] {
  const lines = [
    `if [ -n "$${variable}" ]; then`,
    `  [ -f "$${variable}" ] || die "${file} file $${variable} does not exist"`,
    `  cp "$${variable}" "$WORK/${file}"`,
  ];
  if (source.kind === 'kubectl') {
    const key = file.replace('.', '\\.');
    lines.push(
      'else',
      `  kubectl get secret ${shellQuote(source.secretName)} -n "$NAMESPACE" -o 'jsonpath={.data.${key}}' > "$WORK/${file}.b64" \\`,
      `    || die "cannot read Secret $NAMESPACE/${source.secretName} (is the device's configuration ready? kubectl get device $DEVICE -n $NAMESPACE)"`,
      `  [ -s "$WORK/${file}.b64" ] || die "Secret $NAMESPACE/${source.secretName} has no ${file} yet"`,
      `  base64 -d < "$WORK/${file}.b64" > "$WORK/${file}" || die "${file} in the Secret is not valid base64"`,
    );
  } else if (source.kind === 'embedded') {
    const data = file === 'config.bin' ? source.configBin : source.nvsKeysBin;
    const marker = file === 'config.bin' ? 'KUBEFLASH_CONFIG_BIN' : 'KUBEFLASH_NVS_KEYS_BIN';
    lines.push('else', `  base64 -d > "$WORK/${file}" <<'${marker}'`, base64Lines(data ?? new Uint8Array()), marker);
  } else if (source.kind === 'url') {
    const url = file === 'config.bin' ? source.configUrl : (source.nvsKeysUrl ?? '');
    lines.push(
      'else',
      `  command -v curl >/dev/null 2>&1 || die "curl is needed to download ${file} (or pass --${variable === 'CONFIG_FILE' ? 'config' : 'nvs-keys'} FILE)"`,
      `  curl -fsSL --retry 3 -o "$WORK/${file}" ${shellQuote(url)} || die "${file}: download failed (the link may have expired: ask for a new script)"`,
    );
  } else {
    lines.push('else', `  die "pass --${variable === 'CONFIG_FILE' ? 'config' : 'nvs-keys'} FILE with the device's ${file}"`);
  }
  lines.push(
    'fi',
    `size=$(wc -c < "$WORK/${file}" | tr -d " ")`,
    `if [ "$size" -eq 0 ] || [ "$size" -gt ${partition.size} ]; then die "${file} is $size bytes; partition ${partition.label} holds ${partition.size}"; fi`,
  );
  return lines;
}

/** Returns the script text. Throws on inconsistent input (overlaps, bad names, keys without a partition), naming the part. */
export function generateFlashScript(input: FlashScriptInput): string {
  checkInput(input);
  const { device, firmware, config } = input;
  const parts = [...firmware.parts].sort((a, b) => a.offset - b.offset);
  const configSource = config?.source;
  const nvsKeys = config?.nvsKeys;
  const needsCurl = parts.some((p) => p.url) || configSource?.kind === 'url';
  const lines: string[] = [];
  const add = (...l: string[]): void => {
    lines.push(...l);
  };

  add(
    '#!/bin/sh',
    `# Flashes ${device.namespace}/${device.name} (${input.chip}) with firmware ${firmware.name}${firmware.version ? ` ${firmware.version}` : ''}` +
      (config ? ` and its configuration${nvsKeys ? ' (NVS-encrypted, with its keys)' : ''}.` : ' only (no configuration, no secrets).'),
    `# Generated by ${input.generator}. Needs: esptool (esptool.py), sha256sum or shasum${needsCurl ? ', curl' : ''}` +
      (configSource?.kind === 'kubectl' ? ', kubectl (unless --config is given)' : '') + '.',
  );
  if (configSource?.kind === 'embedded') add('# WARNING: this script contains the device\'s configuration, including its secrets. Keep it private.');
  if (configSource?.kind === 'url') add('# The configuration links in this script are personal and expire; do not share the script.');
  add(
    '#',
    `# Usage: sh flash-${device.name}.sh [--port PORT] [--baud BAUD] [--firmware-dir DIR]` +
      (config ? ' [--config FILE]' : '') + (nvsKeys ? ' [--nvs-keys FILE]' : ''),
    '#   PORT defaults to $ESPPORT or ' + (input.defaultPort ?? '/dev/ttyUSB0') + '; BAUD to $ESPBAUD or ' + String(input.defaultBaud ?? 460800) + '.',
    'set -eu',
    '',
    `DEVICE=${shellQuote(device.name)}`,
    `NAMESPACE=${shellQuote(device.namespace)}`,
    `CHIP=${shellQuote(input.chip)}`,
    `PORT="\${ESPPORT:-${input.defaultPort ?? '/dev/ttyUSB0'}}"`,
    `BAUD="\${ESPBAUD:-${input.defaultBaud ?? 460800}}"`,
    `FIRMWARE_DIR=${input.defaultFirmwareDir ? shellQuote(input.defaultFirmwareDir) : ''}`,
  );
  if (config) add('CONFIG_FILE=');
  if (nvsKeys) add('NVS_KEYS_FILE=');
  add(
    '',
    'die() { printf \'flash %s: %s\\n\' "$DEVICE" "$*" >&2; exit 1; }',
    'usage() { sed -n \'2,/^set -eu/p\' "$0" | sed \'$d\' >&2; exit 2; }',
    '',
    'while [ $# -gt 0 ]; do',
    '  case "$1" in',
    '    --port) [ $# -ge 2 ] || usage; PORT=$2; shift 2 ;;',
    '    --baud) [ $# -ge 2 ] || usage; BAUD=$2; shift 2 ;;',
    '    --firmware-dir) [ $# -ge 2 ] || usage; FIRMWARE_DIR=$2; shift 2 ;;',
  );
  if (config) add('    --config) [ $# -ge 2 ] || usage; CONFIG_FILE=$2; shift 2 ;;');
  if (nvsKeys) add('    --nvs-keys) [ $# -ge 2 ] || usage; NVS_KEYS_FILE=$2; shift 2 ;;');
  add(
    '    -h|--help) usage ;;',
    '    *) printf \'unknown argument: %s\\n\' "$1" >&2; usage ;;',
    '  esac',
    'done',
    '',
    'if command -v esptool.py >/dev/null 2>&1; then ESPTOOL=esptool.py',
    'elif command -v esptool >/dev/null 2>&1; then ESPTOOL=esptool',
    'else die "esptool is not installed (pip install esptool)"; fi',
    'if command -v sha256sum >/dev/null 2>&1; then sha256() { sha256sum "$1" | cut -d" " -f1; }',
    'elif command -v shasum >/dev/null 2>&1; then sha256() { shasum -a 256 "$1" | cut -d" " -f1; }',
    'else die "sha256sum or shasum is needed to check the images"; fi',
    '',
    'WORK=$(mktemp -d)',
    'trap \'rm -rf "$WORK"\' EXIT',
    'trap \'exit 130\' INT TERM',
    '',
    '# get_part NAME FILE SIZE SHA256 [URL]: from --firmware-dir if given, else downloaded; then checked.',
    'get_part() {',
    '  if [ -n "$FIRMWARE_DIR" ]; then',
    '    [ -f "$FIRMWARE_DIR/$2" ] || die "$1: $FIRMWARE_DIR/$2 does not exist"',
    '    cp "$FIRMWARE_DIR/$2" "$WORK/$2"',
    '  elif [ -n "${5:-}" ]; then',
    '    command -v curl >/dev/null 2>&1 || die "curl is needed to download $1 (or pass --firmware-dir)"',
    '    curl -fsSL --retry 3 -o "$WORK/$2" "$5" || die "$1: download from $5 failed"',
    '  else',
    '    die "$1: no download address; pass --firmware-dir with $2 in it"',
    '  fi',
    '  size=$(wc -c < "$WORK/$2" | tr -d " ")',
    '  [ "$size" = "$3" ] || die "$1: $2 is $size bytes, expected $3"',
    '  [ "$(sha256 "$WORK/$2")" = "$4" ] || die "$1: $2 has the wrong SHA-256 (expected $4)"',
    '}',
    '',
  );
  for (const p of parts) {
    add(`get_part ${shellQuote(p.name)} ${shellQuote(p.file)} ${p.size} ${p.sha256}${p.url ? ` ${shellQuote(p.url)}` : ''}`);
  }
  const regions = parts.map((p) => ({ offset: p.offset, file: p.file }));
  if (config && configSource) {
    add('', `# The device's configuration: NVS image for partition "${config.label}" at ${hex(config.offset)} (${config.size} bytes).`);
    if (configSource.kind === 'kubectl') {
      add('if [ -z "$CONFIG_FILE" ]' + (nvsKeys ? ' || [ -z "$NVS_KEYS_FILE" ]' : '') + '; then',
        '  command -v kubectl >/dev/null 2>&1 || die "kubectl is needed to fetch the configuration (or pass --config FILE' + (nvsKeys ? ' and --nvs-keys FILE' : '') + ')"',
        'fi');
    }
    add(...deviceFileLines('config.bin', 'CONFIG_FILE', configSource, config));
    regions.push({ offset: config.offset, file: 'config.bin' });
    if (nvsKeys) {
      add('', `# Its NVS encryption keys: partition "${nvsKeys.label}" at ${hex(nvsKeys.offset)}; without them the device cannot read its configuration.`);
      add(...deviceFileLines('nvs_keys.bin', 'NVS_KEYS_FILE', configSource, nvsKeys));
      regions.push({ offset: nvsKeys.offset, file: 'nvs_keys.bin' });
    }
  }
  const flashArgs = regions.sort((a, b) => a.offset - b.offset).map((r) => `${hex(r.offset)} "$WORK/${r.file}"`);
  add(
    '',
    'echo "Flashing $NAMESPACE/$DEVICE ($CHIP) on $PORT at $BAUD baud..."',
    '"$ESPTOOL" --chip "$CHIP" --port "$PORT" --baud "$BAUD" --before default_reset --after hard_reset \\',
    '  write_flash --flash_mode keep --flash_freq keep --flash_size keep \\',
    ...flashArgs.map((arg, i) => `  ${arg}${i < flashArgs.length - 1 ? ' \\' : ''}`),
    'echo "Done: $NAMESPACE/$DEVICE is flashed and was reset."',
    '',
  );
  return lines.join('\n');
}
