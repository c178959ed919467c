import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { FirmwareResource, GROUP, VERSION, type Firmware } from '@kubeflash/api';
import {
  FlashError,
  buildFlashPlan,
  buildFlashPlanFromManifest,
  flashDevice,
  normalizeChipName,
  type ChipName,
  type FlashMode,
  type FlashPart,
  type FlashPlan,
  type FlashProgress,
  type FlashResult,
  type SerialPortLike,
} from '@kubeflash/flasher';
import { readDeviceConfigImages, readDeviceFlashInfo, type DeviceConfigImages } from '../device-flash-info';
import { contextNamespace, loadKubeConfig } from '@kubeflash/operator/kube';
import { UsageError, downloadFirmwareImages, requireSucceeded } from '@kubeflash/operator/cli';

/** Options of `kubeflash flash`. */
export interface FlashCommandOptions {
  port: string;
  /** Firmware build for a device folder: manifest.json, flasher_args.json, or a folder holding one. */
  firmware?: string;
  configLabel?: string;
  chip?: string;
  configOnly?: boolean;
  erase?: boolean;
  baud: string;
  /** For a Device in the cluster: its namespace (default: the kubeconfig context's). */
  namespace?: string;
  kubeconfig?: string;
  /** For a Device in the cluster: flash this Succeeded Firmware instead of the class's current one. */
  firmwareName?: string;
  /** Base URL of the artifact service, when the Firmware status does not say where its images are. */
  url?: string;
}

/** What the command needs from the outside world (swapped for a simulator in tests). */
export interface FlashCommandDeps {
  openPort(path: string): Promise<SerialPortLike>;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number };
}

const PLAN_FILE_NAMES = ['kubeflash-plan.json', 'plan.json'];
const MANIFEST_FILE_NAMES = ['manifest.json', 'flasher_args.json'];
const CONFIG_PART_NAMES = new Set(['config', 'nvs_keys']);

/**
 * `kubeflash flash --port <path> <plan or device>`: flashes a board over a local serial port with the same
 * engine as the browser, showing a progress bar. The target is a plan file (JSON: chip, parts with name,
 * offset and a file relative to it), a folder holding `kubeflash-plan.json`, a device folder written by
 * `kubeflash render` (config.bin, optional nvs_keys.bin) together with `--firmware`, or the name of a Device
 * in the cluster (chip and config partition from its class, config.bin from its config Secret) with `--firmware`.
 */
export function registerFlashCommand(program: Command, deps: FlashCommandDeps = nodeDeps()): void {
  program
    .command('flash')
    .description('flash a board over USB serial: firmware + config, or config only (verified by MD5, then reset)')
    .argument('<target>', 'plan file or folder (kubeflash-plan.json), a device folder (config.bin from `kubeflash render`) with --firmware, or a Device name in the cluster (images from the artifact service, or --firmware)')
    .requiredOption('--port <path>', 'serial port of the board, e.g. /dev/ttyUSB0 or COM3')
    .option('--firmware <path>', 'firmware build for a device folder: manifest.json, flasher_args.json or a folder holding one')
    .option('--config-label <label>', 'label of the config partition in the firmware partition table', 'config')
    .option('--chip <chip>', 'which build of a multi-chip manifest to use (e.g. esp32c3)')
    .option('--config-only', 'write only the config (and nvs_keys) partitions: fast re-provisioning')
    .option('--erase', 'erase the whole flash before writing')
    .option('--baud <rate>', 'baud rate once the flasher stub runs', '921600')
    .option('-n, --namespace <namespace>', "namespace of a Device in the cluster (default: the kubeconfig context's)")
    .option('--kubeconfig <path>', 'kubeconfig for a Device in the cluster (default: $KUBECONFIG or ~/.kube/config)')
    .option('--firmware-name <firmware>', "for a Device in the cluster: flash this Succeeded Firmware of its class instead of the class's current one")
    .option('--url <url>', "base URL of the artifact service (default: where the Firmware's status says its images are)")
    .action(async (target: string, options: FlashCommandOptions) => {
      await runFlashCommand(target, options, deps);
    });
}

/** The command itself, separated from commander for tests. */
export async function runFlashCommand(target: string, options: FlashCommandOptions, deps: FlashCommandDeps): Promise<FlashResult> {
  if (options.configOnly && options.erase) throw new UsageError('--config-only and --erase cannot be combined (erasing would wipe the firmware)');
  const baudrate = Number(options.baud);
  if (!Number.isInteger(baudrate) || baudrate < 9600 || baudrate > 3_000_000) throw new UsageError(`--baud must be a baud rate from 9600 to 3000000, got "${options.baud}"`);
  const mode: FlashMode = options.configOnly ? 'config-only' : options.erase ? 'erase-all' : 'full';
  const plan = await loadTarget(target, mode, options);
  const total = plan.parts.reduce((n, p) => n + p.data.length, 0);
  deps.stdout.write(`Flashing ${plan.chip} on ${options.port}: ${plan.parts.map((p) => `${p.name}@0x${p.offset.toString(16)}`).join(', ')} (${formatKiB(total)}, ${mode})\n`);

  const port = await deps.openPort(options.port);
  const bar = new ProgressBar(deps.stderr);
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const result = await flashDevice(port, plan, { baudrate, signal: controller.signal, onProgress: (p) => bar.update(p) });
    bar.finish();
    deps.stdout.write(
      `Done: ${result.chipDescription}, MAC ${result.mac}; ${result.regions.length} region(s) verified by MD5 in ${(result.durationMs / 1000).toFixed(1)} s; the board was reset.\n`,
    );
    return result;
  } catch (err) {
    bar.finish();
    if (err instanceof FlashError) {
      const message = `${err.message}\n  What to do: ${err.userAction}`;
      if (err.code === 'INVALID_PLAN') throw new UsageError(message);
      throw new Error(message, { cause: err });
    }
    throw err;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

const DEVICE_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** A plan file or folder, a device folder plus `--firmware`, or a Device in the cluster plus `--firmware`, as a flash plan. */
export async function loadTarget(
  target: string,
  mode: FlashMode,
  options: Pick<FlashCommandOptions, 'firmware' | 'configLabel' | 'chip' | 'namespace' | 'kubeconfig' | 'firmwareName' | 'url'>,
): Promise<FlashPlan> {
  const path = resolve(target);
  if (!existsSync(path)) {
    if (DEVICE_NAME.test(target)) return loadClusterDevice(target, mode, options);
    throw new UsageError(`not found: ${path}`);
  }
  const isDeviceFolder = statSync(path).isDirectory() && existsSync(join(path, 'config.bin')) && !findFile(path, PLAN_FILE_NAMES);
  if (!isDeviceFolder) {
    if (options.firmware) throw new UsageError('--firmware goes with a device folder (holding config.bin), not with a plan');
    return loadPlan(target, mode);
  }
  if (!options.firmware) throw new UsageError(`${path} is a device folder: say which firmware to flash with --firmware <manifest.json|flasher_args.json|build folder>`);
  const chip = options.chip === undefined ? undefined : normalizeChipName(options.chip);
  if (options.chip !== undefined && !chip) throw new UsageError(`--chip: unknown chip "${options.chip}"`);
  const keysFile = join(path, 'nvs_keys.bin');
  const device = {
    config: new Uint8Array(readFileSync(join(path, 'config.bin'))),
    ...(existsSync(keysFile) ? { nvsKeys: new Uint8Array(readFileSync(keysFile)) } : {}),
  };
  return planFromFirmware(options.firmware, device, { mode, chip, configPartitionLabel: options.configLabel ?? 'config' });
}

/**
 * A Device in the cluster: chip and config partition label from its class, config.bin (and nvs_keys.bin) from its
 * config Secret, and the firmware from a local build (--firmware) or, by default, the artifact service: the
 * images of the class's current Firmware (or --firmware-name), each checked against the SHA-256 in its status.
 */
async function loadClusterDevice(name: string, mode: FlashMode, options: Pick<FlashCommandOptions, 'firmware' | 'chip' | 'namespace' | 'kubeconfig' | 'firmwareName' | 'url'>): Promise<FlashPlan> {
  let kc: KubeConfig;
  let info;
  let images: DeviceConfigImages;
  try {
    kc = loadKubeConfig(options.kubeconfig);
    info = await readDeviceFlashInfo(kc, options.namespace ?? contextNamespace(kc), name);
    images = await readDeviceConfigImages(kc, info);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (options.chip !== undefined && normalizeChipName(options.chip) !== info.chip) {
    throw new UsageError(`--chip ${options.chip} does not match Device ${info.namespace}/${name}, whose class ${info.className} is ${info.apiChip}`);
  }
  if (options.firmware) return planFromFirmware(options.firmware, images, { mode, chip: info.chip, configPartitionLabel: info.configPartitionLabel });
  const firmwareName = options.firmwareName ?? info.currentFirmware;
  if (!firmwareName) throw new UsageError(`DeviceClass ${info.namespace}/${info.className} has no current Firmware (set spec.firmware.version), so say which build to flash with --firmware-name or --firmware`);
  const firmware = await readFirmwareObject(kc, info.namespace, firmwareName);
  if (firmware.spec.deviceClassRef.name !== info.className) throw new UsageError(`Firmware ${info.namespace}/${firmwareName} is built for DeviceClass ${firmware.spec.deviceClassRef.name}, not ${info.className}`);
  requireSucceeded(firmware);
  const wanted = (firmware.status?.artifacts ?? []).filter((a) => mode !== 'config-only' || a.name === 'partition-table');
  const downloaded = await downloadFirmwareImages({ ...firmware, status: { ...firmware.status, artifacts: wanted } }, options.url?.replace(/\/+$/, ''));
  try {
    return buildFlashPlan({
      chip: info.chip,
      firmware: downloaded.map((d) => ({ name: d.name, offset: d.offset, data: d.data })),
      config: images.config,
      ...(images.nvsKeys ? { nvsKeys: images.nvsKeys } : {}),
      configPartitionLabel: info.configPartitionLabel,
      mode,
    });
  } catch (err) {
    if (err instanceof FlashError) throw new UsageError(`${err.message}\n  What to do: ${err.userAction}`);
    throw err;
  }
}

async function readFirmwareObject(kc: KubeConfig, namespace: string, name: string): Promise<Firmware> {
  try {
    return (await kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: FirmwareResource.plural, name })) as Firmware;
  } catch (err) {
    throw new UsageError(`Firmware ${namespace}/${name} cannot be read: ${(err as Error).message.split('\n')[0]}`);
  }
}

async function planFromFirmware(firmware: string, device: DeviceConfigImages, planOptions: { mode: FlashMode; chip?: ChipName; configPartitionLabel: string }): Promise<FlashPlan> {
  const manifestFile = resolveManifestFile(firmware);
  const base = dirname(manifestFile);
  const readPart = (part: string): Uint8Array => {
    const file = resolve(base, part);
    if (!existsSync(file)) throw new UsageError(`${manifestFile}: part file not found: ${file}`);
    return new Uint8Array(readFileSync(file));
  };
  try {
    return await buildFlashPlanFromManifest(parseJson(manifestFile), readPart, device, planOptions);
  } catch (err) {
    if (err instanceof FlashError) throw new UsageError(`${err.message}\n  What to do: ${err.userAction}`);
    throw err;
  }
}

function resolveManifestFile(firmware: string): string {
  const path = resolve(firmware);
  if (!existsSync(path)) throw new UsageError(`--firmware: not found: ${path}`);
  if (!statSync(path).isDirectory()) return path;
  const found = findFile(path, MANIFEST_FILE_NAMES);
  if (!found) throw new UsageError(`--firmware: ${path} holds no ${MANIFEST_FILE_NAMES.join(' or ')}`);
  return found;
}

function findFile(dir: string, names: string[]): string | undefined {
  return names.map((name) => join(dir, name)).find((candidate) => existsSync(candidate));
}

function parseJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`${file} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Reads a plan file (or the plan file in a folder) and its part files. */
export function loadPlan(target: string, mode: FlashMode): FlashPlan {
  const file = resolvePlanFile(target);
  const json = parseJson(file);
  if (!isObject(json) || typeof json.chip !== 'string' || !Array.isArray(json.parts)) {
    throw new UsageError(`${file} is not a kubeflash plan: expected {"chip": "ESP32", "parts": [{"name", "offset", "file"}]}`);
  }
  const chip = normalizeChipName(json.chip);
  if (!chip) throw new UsageError(`${file}: unknown chip "${json.chip}"`);
  const base = dirname(file);
  let parts: FlashPart[] = json.parts.map((entry, index) => {
    if (!isObject(entry) || typeof entry.name !== 'string' || typeof entry.file !== 'string') {
      throw new UsageError(`${file}: part ${index + 1} needs a name and a file`);
    }
    const offset = typeof entry.offset === 'number' ? entry.offset : typeof entry.offset === 'string' ? Number(entry.offset) : NaN;
    if (!Number.isInteger(offset) || offset < 0) throw new UsageError(`${file}: part "${entry.name}" has an invalid offset ${JSON.stringify(entry.offset)}`);
    const path = resolve(base, entry.file);
    if (!existsSync(path)) throw new UsageError(`${file}: part "${entry.name}" file not found: ${path}`);
    return { name: entry.name, offset, data: new Uint8Array(readFileSync(path)) };
  });
  if (mode === 'config-only') {
    parts = parts.filter((p) => CONFIG_PART_NAMES.has(p.name));
    if (parts.length === 0) throw new UsageError(`${file} has no part named "config" to write with --config-only`);
  }
  return { chip, mode, parts };
}

function resolvePlanFile(target: string): string {
  const path = resolve(target);
  if (!existsSync(path)) throw new UsageError(`plan not found: ${path}`);
  if (!statSync(path).isDirectory()) return path;
  const found = findFile(path, PLAN_FILE_NAMES);
  if (!found) throw new UsageError(`${path} holds no ${PLAN_FILE_NAMES.join(' or ')} (nor config.bin of a device)`);
  return found;
}

/** A one-line progress bar on a terminal; stage lines otherwise (logs, CI). */
export class ProgressBar {
  private lastLine = '';
  private drawn = false;

  constructor(private readonly out: FlashCommandDeps['stderr']) {}

  update(progress: FlashProgress): void {
    const label = progress.region ? `${progress.stage} ${progress.region}` : progress.stage;
    if (!this.out.isTTY) {
      const line = `${label}${progress.stage === 'writing' ? '' : ` (${progress.percent}%)`}`;
      if (line !== this.lastLine) this.out.write(`${line}\n`);
      this.lastLine = line;
      return;
    }
    const width = Math.max(10, Math.min(40, (this.out.columns ?? 80) - 50));
    const filled = Math.round((progress.percent / 100) * width);
    const line = `${label.padEnd(24).slice(0, 24)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(progress.percent).padStart(3)}% ${formatKiB(progress.bytesWritten)}/${formatKiB(progress.totalBytes)}`;
    this.out.write(`\r${line}`);
    this.drawn = true;
  }

  finish(): void {
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}

function formatKiB(bytes: number): string {
  return `${Math.ceil(bytes / 1024)} KiB`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nodeDeps(): FlashCommandDeps {
  return {
    openPort: async (path) => {
      const [{ SerialPort }, { NodeWebSerialPort }] = await Promise.all([import('serialport'), import('@kubeflash/flasher/node')]);
      const listed = (await SerialPort.list().catch(() => [])).find((p) => p.path === path);
      const info = listed ? { usbVendorId: hexId(listed.vendorId), usbProductId: hexId(listed.productId) } : {};
      return new NodeWebSerialPort((baudRate) => new SerialPort({ path, baudRate, autoOpen: false }), info);
    },
    stdout: process.stdout,
    stderr: process.stderr,
  };
}

function hexId(text: string | undefined): number | undefined {
  return text && /^[0-9a-f]+$/i.test(text) ? parseInt(text, 16) : undefined;
}
