import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ApiException, CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { normalizeChipName } from '@kubeflash/flasher';
import { DeviceClassResource, DeviceResource, GROUP, VERSION, type Device, type DeviceClass } from '../../api/v1alpha1/index';
import { configPartition, readFirmwareFolder } from '../../flashscript/firmware-dir';
import { generateFlashScript, type ScriptConfigSource } from '../../flashscript/script';
import { UsageError } from '../errors';
import { writeFileAtomic } from '../files';

interface FlashScriptOptions {
  namespace?: string;
  kubeconfig?: string;
  firmwareDir: string;
  firmwareOnly?: boolean;
  embedConfig?: boolean;
  output?: string;
  port?: string;
  baud?: string;
}

const DEFAULT_CONFIG_LABEL = 'config';

export function registerFlashScriptCommand(program: Command): void {
  program
    .command('flash-script')
    .description("write a POSIX shell script that flashes a device with Espressif's esptool: firmware parts (checked by SHA-256) and the device's config.bin")
    .argument('<device>', 'name of the Device')
    .option('-n, --namespace <namespace>', "the Device's namespace (default: the kubeconfig context's)")
    .option('--kubeconfig <path>', 'kubeconfig to read the Device, its class and its config Secret from')
    .requiredOption('--firmware-dir <dir>', 'ESP-IDF build folder (flasher_args.json) or esp-web-tools folder (manifest.json) with the images')
    .option('--firmware-only', 'flash the firmware only: no configuration and no secrets in or behind the script')
    .option('--embed-config', "embed the device's config.bin (with its secrets) instead of fetching it with kubectl when the script runs")
    .option('-o, --output <file>', 'write the script to this file (mode 0700) instead of standard output')
    .option('--port <port>', 'default serial port of the script', '/dev/ttyUSB0')
    .option('--baud <baud>', 'default baud rate of the script', '460800')
    .action((device: string, options: FlashScriptOptions) => runFlashScript(device, options));
}

function loadKubeConfig(path?: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (path) kc.loadFromFile(resolve(path));
    else kc.loadFromDefault();
  } catch (err) {
    throw new UsageError(`cannot read kubeconfig${path ? ` ${path}` : ''}: ${(err as Error).message}`);
  }
  return kc;
}

async function readObject<T>(what: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof ApiException && err.code === 404) throw new UsageError(`${what} not found`);
    throw new UsageError(`cannot read ${what}: ${err instanceof ApiException ? `HTTP ${err.code}` : (err as Error).message}`);
  }
}

async function runFlashScript(deviceName: string, options: FlashScriptOptions): Promise<void> {
  if (options.firmwareOnly && options.embedConfig) throw new UsageError('--firmware-only and --embed-config exclude each other');
  const baud = Number(options.baud);
  if (!Number.isInteger(baud) || baud < 9600) throw new UsageError(`--baud must be a whole number of at least 9600, got "${options.baud}"`);
  const kc = loadKubeConfig(options.kubeconfig);
  const namespace = options.namespace ?? kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
  const objects = kc.makeApiClient(CustomObjectsApi);
  const device = (await readObject(`Device ${namespace}/${deviceName}`, () =>
    objects.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: DeviceResource.plural, name: deviceName }),
  )) as Device;
  const className = device.spec.deviceClassRef.name;
  const deviceClass = (await readObject(`DeviceClass ${namespace}/${className} (class of Device ${deviceName})`, () =>
    objects.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: DeviceClassResource.plural, name: className }),
  )) as DeviceClass;

  const chip = normalizeChipName(deviceClass.spec.chip);
  if (!chip) throw new UsageError(`DeviceClass ${className} has chip "${deviceClass.spec.chip}", which kubeflash cannot flash`);
  let firmware;
  try {
    firmware = readFirmwareFolder(options.firmwareDir, chip);
  } catch (err) {
    throw new UsageError(`firmware folder: ${(err as Error).message}`);
  }

  let config;
  if (!options.firmwareOnly) {
    const label = deviceClass.spec.partitions?.config?.label ?? DEFAULT_CONFIG_LABEL;
    let partition;
    try {
      partition = configPartition(firmware.partitionTable, label, firmware.dir);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const secretName = device.status?.config?.secretName ?? `${deviceName}-config`;
    let source: ScriptConfigSource = { kind: 'kubectl', secretName };
    if (options.embedConfig) {
      const secret = await readObject(`Secret ${namespace}/${secretName} (config of Device ${deviceName})`, () =>
        kc.makeApiClient(CoreV1Api).readNamespacedSecret({ name: secretName, namespace }),
      );
      const encoded = secret.data?.['config.bin'];
      if (!encoded) throw new UsageError(`Secret ${namespace}/${secretName} has no config.bin yet (is the Device's ConfigReady condition True?)`);
      source = { kind: 'embedded', configBin: Buffer.from(encoded, 'base64') };
    }
    config = { label, offset: partition.offset, size: partition.size, source };
  }

  let script;
  try {
    script = generateFlashScript({
      device: { namespace, name: deviceName },
      chip: deviceClass.spec.chip,
      firmware: { name: firmware.name, version: firmware.version, parts: firmware.parts },
      config,
      generator: 'kubeflash flash-script',
      defaultPort: options.port,
      defaultBaud: baud,
      defaultFirmwareDir: firmware.dir,
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
