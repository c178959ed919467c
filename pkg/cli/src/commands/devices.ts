import type { Command } from 'commander';
import { contextNamespace, loadKubeConfig } from '@kubeflash/operator/kube';
import { UsageError } from '@kubeflash/operator/cli';
import { OtaStep, type Faults } from '@kubeflash/virtual-device';
import { listDevices } from '../devices/fleet';
import { streamDeviceLogs } from '../devices/logs';
import { startSimulation } from '../devices/simulate';

interface CommonOptions {
  namespace?: string;
  kubeconfig?: string;
  brokerUrl?: string;
}

interface SimulateOptions extends CommonOptions {
  count?: string;
  device?: string[];
  heartbeat: string;
  refuseCommands?: boolean;
  dropEvery?: string;
  rebootLoop?: string;
  slowLink?: string;
  corrupt?: string;
  otaBadSignature?: boolean;
  otaWrongHash?: boolean;
  otaCutAt?: string;
  otaDownloadFails?: boolean;
  otaNoSpace?: boolean;
  otaPowerLossAt?: string;
  otaCrashAfterBoot?: boolean;
}

interface LogsOptions extends CommonOptions {
  follow?: boolean;
  timeout: string;
}

const number = (value: string | undefined, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`${flag} must be a number from ${min} to ${max}, got "${value}"`);
  return n;
};

const otaStep = (value: string): OtaStep => {
  const steps: string[] = Object.values(OtaStep);
  if (!steps.includes(value)) throw new UsageError(`--ota-power-loss-at must be one of ${steps.join(', ')}, got "${value}"`);
  return value as OtaStep;
};

function kube(options: CommonOptions) {
  try {
    const kubeConfig = loadKubeConfig(options.kubeconfig);
    return { kubeConfig, namespace: options.namespace ?? contextNamespace(kubeConfig) };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

const untilInterrupted = (): Promise<void> =>
  new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });

/** `kubeflash devices simulate|logs`: virtual devices against a cluster's broker, and a device's log stream. */
export function registerDevicesCommand(program: Command): void {
  const devices = program.command('devices').description('work with devices over MQTT: simulate them, stream their logs');

  devices
    .command('simulate')
    .description('run virtual devices booted from the config.bin the operator wrote for each Device, until Ctrl-C')
    .option('--count <n>', 'simulate the first n Devices of the namespace (by name)')
    .option('--device <name...>', 'simulate these Devices')
    .option('-n, --namespace <namespace>', "the Devices' namespace (default: the kubeconfig context's)")
    .option('--kubeconfig <path>', 'kubeconfig of the cluster (default: $KUBECONFIG, ~/.kube/config)')
    .option('--broker-url <url>', "connect here instead of each config's mqtt_uri (e.g. a port-forward); credentials and CA still come from config.bin")
    .option('--heartbeat <seconds>', 'status heartbeat period', '60')
    .option('--refuse-commands', 'fault: receive commands but do not carry them out')
    .option('--drop-every <seconds>', 'fault: drop the connection this often (the broker publishes the will)')
    .option('--reboot-loop <seconds>', 'fault: crash this long after every boot')
    .option('--slow-link <ms>', 'fault: delay every message')
    .option('--corrupt <probability>', 'fault: corrupt this share of outgoing payloads (0..1)')
    .option('--ota-bad-signature', 'OTA fault: damage the received signature (signature-invalid)')
    .option('--ota-wrong-hash', 'OTA fault: flip a byte of the downloaded image (sha256-mismatch)')
    .option('--ota-cut-at <bytes>', 'OTA fault: cut the download connection once after this many bytes (resumed with Range)')
    .option('--ota-download-fails', 'OTA fault: every download request fails (download-failed)')
    .option('--ota-no-space', 'OTA fault: the next OTA partition is too small (no-space)')
    .option(`--ota-power-loss-at <step>`, `OTA fault: lose power once at this step (${Object.values(OtaStep).join(', ')})`)
    .option('--ota-crash-after-boot', 'OTA fault: the new image crashes before marking itself valid (rollback)')
    .action((options: SimulateOptions) => runSimulate(options));

  devices
    .command('logs')
    .description("print a device's MQTT log records (live only: devices publish them with QoS 0, nothing is stored)")
    .argument('<device>', 'Device name')
    .option('-f, --follow', 'keep printing until Ctrl-C')
    .option('--timeout <seconds>', 'without -f: how long to listen', '10')
    .option('-n, --namespace <namespace>', "the Device's namespace (default: the kubeconfig context's)")
    .option('--kubeconfig <path>', 'kubeconfig of the cluster (default: $KUBECONFIG, ~/.kube/config)')
    .option('--broker-url <url>', "connect here instead of the DevicesCluster's operatorBrokerUri / brokerUri")
    .action((name: string, options: LogsOptions) => runLogs(name, options));
}

async function runSimulate(options: SimulateOptions): Promise<void> {
  if ((options.count === undefined) === (options.device === undefined)) throw new UsageError('give either --count <n> or --device <name>...');
  const count = number(options.count, '--count', 1);
  const heartbeat = number(options.heartbeat, '--heartbeat', 1, 3600) as number;
  const faults: Faults = {
    ...(options.refuseCommands ? { refuseCommands: true } : {}),
    ...(options.dropEvery ? { dropConnectionEveryMs: (number(options.dropEvery, '--drop-every', 1) as number) * 1000 } : {}),
    ...(options.rebootLoop ? { rebootLoopMs: (number(options.rebootLoop, '--reboot-loop', 1) as number) * 1000 } : {}),
    ...(options.slowLink ? { slowLinkMs: number(options.slowLink, '--slow-link', 0, 60_000) } : {}),
    ...(options.corrupt ? { corruptPayloads: number(options.corrupt, '--corrupt', 0, 1) } : {}),
    ...(options.otaBadSignature ? { otaBadSignature: true } : {}),
    ...(options.otaWrongHash ? { otaWrongHash: true } : {}),
    ...(options.otaCutAt ? { otaCutAtByte: number(options.otaCutAt, '--ota-cut-at', 1) } : {}),
    ...(options.otaDownloadFails ? { otaDownloadFails: true } : {}),
    ...(options.otaNoSpace ? { otaNoSpace: true } : {}),
    ...(options.otaPowerLossAt ? { otaPowerLossAt: otaStep(options.otaPowerLossAt) } : {}),
    ...(options.otaCrashAfterBoot ? { otaCrashAfterBoot: true } : {}),
  };
  const { kubeConfig, namespace } = kube(options);
  let names = options.device ?? [];
  if (count !== undefined) {
    const all = (await listDevices(kubeConfig, namespace)).map((d) => d.metadata.name ?? '');
    if (all.length < count) throw new UsageError(`namespace ${namespace} has ${all.length} Devices, fewer than --count ${count}`);
    names = all.slice(0, count);
  }
  const verbose = names.length <= 50;
  const log = (line: string): void => {
    if (verbose) process.stdout.write(`${line}\n`);
  };
  const simulation = await startSimulation({ kubeConfig, namespace, names, brokerUrl: options.brokerUrl, heartbeatMs: heartbeat * 1000, faults, log });
  const online = simulation.devices.filter((d) => d.state === 'online').length;
  process.stdout.write(`${online} of ${names.length} virtual devices online. Press Ctrl-C to stop.\n`);
  await untilInterrupted();
  await simulation.stop();
  process.stdout.write('stopped\n');
}

async function runLogs(name: string, options: LogsOptions): Promise<void> {
  const timeout = number(options.timeout, '--timeout', 1, 86_400) as number;
  const { kubeConfig, namespace } = kube(options);
  await streamDeviceLogs({
    kubeConfig,
    namespace,
    name,
    follow: options.follow === true,
    timeoutMs: timeout * 1000,
    brokerUrl: options.brokerUrl,
    stopped: untilInterrupted(),
    write: (line) => process.stdout.write(`${line}\n`),
    note: (line) => process.stderr.write(`${line}\n`),
  });
}
