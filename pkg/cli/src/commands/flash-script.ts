import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { parsePartitionTableBinary, type PartitionEntry } from '@kubeflash/esp';
import { FirmwareResource, GROUP, VERSION, type Firmware } from '@kubeflash/api';
import { devicePartitions, generateFlashScript, normalizeChipName, type ScriptConfigSource, type ScriptFirmwarePart } from '@kubeflash/flasher';
import { readFirmwareFolder } from '../flashscript/firmware-dir';
import { readDeviceConfigImages, readDeviceFlashInfo, type DeviceFlashInfo } from '../device-flash-info';
import { contextNamespace, loadKubeConfig } from '@kubeflash/operator/kube';
import { UsageError, downloadFirmwareImages, requireSucceeded } from '@kubeflash/operator/cli';
import { writeFileAtomic } from '../files';

interface FlashScriptOptions {
  namespace?: string;
  kubeconfig?: string;
  firmwareDir?: string;
  firmwareName?: string;
  firmwareUrl?: string;
  firmwareOnly?: boolean;
  embedConfig?: boolean;
  output?: string;
  port?: string;
  baud?: string;
}

export function registerFlashScriptCommand(program: Command): void {
  program
    .command('flash-script')
    .description("write a POSIX shell script that flashes a device with Espressif's esptool: firmware parts (checked by SHA-256) and the device's config.bin")
    .argument('<device>', 'name of the Device')
    .option('-n, --namespace <namespace>', "the Device's namespace (default: the kubeconfig context's)")
    .option('--kubeconfig <path>', 'kubeconfig to read the Device, its class and its config Secret from')
    .option('--firmware-dir <dir>', "ESP-IDF build folder (flasher_args.json) or esp-web-tools folder (manifest.json) with the images; default: the class's current Firmware, downloaded from the artifact service")
    .option('--firmware-name <firmware>', "without --firmware-dir: this Succeeded Firmware of the device's class instead of the current one")
    .option('--firmware-url <url>', 'base URL the script downloads the images from (<url>/<file>), checked against the sizes and SHA-256 of --firmware-dir')
    .option('--firmware-only', 'flash the firmware only: no configuration and no secrets in or behind the script')
    .option('--embed-config', "embed the device's config.bin (with its secrets) instead of fetching it with kubectl when the script runs")
    .option('-o, --output <file>', 'write the script to this file (mode 0700) instead of standard output')
    .option('--port <port>', 'default serial port of the script', '/dev/ttyUSB0')
    .option('--baud <baud>', 'default baud rate of the script', '460800')
    .action((device: string, options: FlashScriptOptions) => runFlashScript(device, options));
}

async function runFlashScript(deviceName: string, options: FlashScriptOptions): Promise<void> {
  if (options.firmwareOnly && options.embedConfig) throw new UsageError('--firmware-only and --embed-config exclude each other');
  const baud = Number(options.baud);
  if (!Number.isInteger(baud) || baud < 9600) throw new UsageError(`--baud must be a whole number of at least 9600, got "${options.baud}"`);
  let kc;
  let info: DeviceFlashInfo;
  try {
    kc = loadKubeConfig(options.kubeconfig);
    info = await readDeviceFlashInfo(kc, options.namespace ?? contextNamespace(kc), deviceName);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { chip, namespace } = info;
  let firmware: { dir?: string; name: string; version?: string; parts: ScriptFirmwarePart[]; partitionTable?: PartitionEntry[] };
  if (options.firmwareDir) {
    if (options.firmwareName) throw new UsageError('--firmware-dir and --firmware-name exclude each other');
    try {
      firmware = readFirmwareFolder(options.firmwareDir, chip);
    } catch (err) {
      throw new UsageError(`firmware folder: ${(err as Error).message}`);
    }
  } else {
    if (options.firmwareUrl !== undefined) throw new UsageError('--firmware-url goes with --firmware-dir (the artifact service has the images otherwise)');
    firmware = await firmwareFromCluster(kc, info, options.firmwareName);
  }

  let baseUrl: string | undefined;
  if (options.firmwareUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(options.firmwareUrl);
    } catch {
      throw new UsageError(`--firmware-url must be an absolute http(s) URL, got "${options.firmwareUrl}"`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`--firmware-url must be an http(s) URL, got "${options.firmwareUrl}"`);
    baseUrl = url.href.endsWith('/') ? url.href : `${url.href}/`;
  }
  const parts = firmware.parts.map((p) => (baseUrl ? { ...p, url: new URL(encodeURIComponent(p.file), baseUrl).href } : p));

  let config;
  if (!options.firmwareOnly) {
    const label = info.configPartitionLabel;
    const where = firmware.dir ?? `Firmware ${firmware.name}`;
    if (!firmware.partitionTable) throw new UsageError(`${where} has no partition table among its parts, so the "${label}" partition cannot be located`);
    let partitions;
    try {
      partitions = devicePartitions({ entries: firmware.partitionTable }, label, info.encrypted, where);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    let source: ScriptConfigSource = { kind: 'kubectl', secretName: info.configSecretName };
    if (options.embedConfig) {
      try {
        const images = await readDeviceConfigImages(kc, info);
        source = { kind: 'embedded', configBin: images.config, nvsKeysBin: images.nvsKeys };
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
    }
    config = { ...partitions.config, source, nvsKeys: partitions.nvsKeys };
  }

  let script;
  try {
    script = generateFlashScript({
      device: { namespace, name: deviceName },
      chip: info.apiChip,
      firmware: { name: firmware.name, version: firmware.version, parts },
      config,
      generator: 'kubeflash flash-script',
      defaultPort: options.port,
      defaultBaud: baud,
      defaultFirmwareDir: baseUrl || !firmware.dir ? undefined : firmware.dir,
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (options.output) {
    writeFileAtomic(resolve(options.output), script, options.embedConfig ? 0o700 : 0o755);
    process.stderr.write(`wrote ${options.output}${options.embedConfig ? ' (contains the device\'s secrets: keep it private)' : ''}\n`);
  } else {
    process.stdout.write(script);
  }
}

/**
 * The class's current Firmware (or `name`) from the cluster: its parts with the artifact service's URLs, and its
 * partition table (downloaded and checked against status) to place the config and keys.
 */
async function firmwareFromCluster(kc: KubeConfig | undefined, info: DeviceFlashInfo, name: string | undefined) {
  const firmwareName = name ?? info.currentFirmware;
  if (!kc || !firmwareName) throw new UsageError(`DeviceClass ${info.namespace}/${info.className} has no current Firmware (set spec.firmware.version): give --firmware-dir or --firmware-name`);
  let firmware: Firmware;
  try {
    firmware = (await kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: info.namespace, plural: FirmwareResource.plural, name: firmwareName })) as Firmware;
  } catch (err) {
    throw new UsageError(`Firmware ${info.namespace}/${firmwareName} cannot be read: ${(err as Error).message.split('\n')[0]}`);
  }
  if (firmware.spec.deviceClassRef.name !== info.className) throw new UsageError(`Firmware ${info.namespace}/${firmwareName} is built for DeviceClass ${firmware.spec.deviceClassRef.name}, not ${info.className}`);
  requireSucceeded(firmware);
  const artifacts = firmware.status?.artifacts ?? [];
  if (artifacts.some((a) => !a.url)) throw new UsageError(`Firmware ${info.namespace}/${firmwareName} does not say where its images are (status.artifacts[].url)`);
  const table = artifacts.filter((a) => a.name === 'partition-table');
  const [tableImage] = await downloadFirmwareImages({ ...firmware, status: { ...firmware.status, artifacts: table } }, undefined);
  if (normalizeChipName(info.apiChip) !== info.chip) throw new UsageError(`DeviceClass ${info.className} has an unknown chip ${info.apiChip}`);
  return {
    name: firmwareName,
    version: firmware.spec.version,
    parts: artifacts.map((a) => ({ name: a.name, file: `${a.name}.bin`, offset: a.offset, size: a.size, sha256: a.sha256, url: a.url })),
    ...(tableImage ? { partitionTable: parsePartitionTableBinary(tableImage.data).entries } : {}),
  };
}
