/**
 * `kubeflash devices simulate` and `kubeflash devices logs` against a cluster (devcluster) and its broker: the
 * simulated devices boot from the config.bin the operator wrote and come Online; `logs` prints what a device
 * sends on its logs channel.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { startOperator, type RunningOperator } from '@kubeflash/operator';
import { repoRoot } from '@kubeflash/operator/paths';
import { eventually, useTestCluster, type TestCluster } from '@kubeflash/devcluster/testing';
import type { RunningBroker } from '@kubeflash/broker';
import { VirtualDevice } from '@kubeflash/virtual-device';
import { installCrds } from '../operator/support';
import { applyAll, brokerKinds, condition, readyDeviceImage, readCluster, readDevice, startTestBroker, testFleet } from './support';

jest.setTimeout(120_000);

const cli = join(repoRoot, 'pkg', 'cli', 'bin', 'kubeflash.js');

function run(args: string[]): { child: ChildProcess; stdout: () => string; stderr: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [cli, ...args], { cwd: repoRoot });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

describe(`kubeflash devices on ${brokerKinds()[0]}`, () => {
  let cluster: TestCluster;
  let ns: string;
  let broker: RunningBroker;
  let stopBroker: () => Promise<void>;
  let operator: RunningOperator;
  const devices: VirtualDevice[] = [];

  beforeAll(async () => {
    ({ broker, cleanup: stopBroker } = await startTestBroker(brokerKinds()[0]));
    cluster = await useTestCluster({ namespacePrefix: 'kf-cli' });
    ns = cluster.namespace;
    await installCrds(cluster.kubeConfig);
    await applyAll(cluster.kubeConfig, testFleet(ns, broker.url, ['sim-1', 'sim-2', 'talker']));
    operator = await startOperator({ kubeConfig: cluster.kubeConfig, healthPort: 0, resyncPeriodMs: 0, namespace: ns, leaderElection: false });
    await operator.whenControllersRunning();
    await eventually(async () => (condition(await readCluster(cluster.kubeConfig, ns, 'site'), 'Ready')?.status === 'True' ? true : undefined), 'DevicesCluster Ready', 30_000);
  });

  afterAll(async () => {
    for (const d of devices) await d.stop();
    await operator?.stop();
    await cluster?.cleanup();
    await stopBroker?.();
  });

  it('simulate --count boots virtual devices from their config.bin; they come Online and go offline on Ctrl-C', async () => {
    const sim = run(['devices', 'simulate', '--count', '2', '-n', ns, '--kubeconfig', cluster.kubeconfigPath, '--heartbeat', '5']);
    try {
      await eventually(() => (sim.stdout().includes('2 of 2 virtual devices online') ? true : undefined), `the simulation to start:\n${sim.stdout()}${sim.stderr()}`, 60_000);
      expect(sim.stdout()).toContain(`${ns}/sim-1: online as ${ns}.sim-1 via ${broker.url}`);
      for (const name of ['sim-1', 'sim-2']) {
        await eventually(async () => (condition(await readDevice(cluster.kubeConfig, ns, name), 'Online')?.status === 'True' ? true : undefined), `${name} Online`, 20_000);
      }
      sim.child.kill('SIGINT');
      expect(await sim.exited).toBe(0);
      await eventually(async () => (condition(await readDevice(cluster.kubeConfig, ns, 'sim-1'), 'Online')?.status === 'False' ? true : undefined), 'sim-1 offline after Ctrl-C', 20_000);
    } finally {
      if (sim.child.exitCode === null) sim.child.kill('SIGKILL');
    }
  });

  it('simulate --device boots exactly the named Devices, and names one that does not exist', async () => {
    const sim = run(['devices', 'simulate', '--device', 'sim-2', '-n', ns, '--kubeconfig', cluster.kubeconfigPath, '--heartbeat', '5']);
    try {
      await eventually(() => (sim.stdout().includes('1 of 1 virtual devices online') ? true : undefined), `the simulation to start:\n${sim.stdout()}${sim.stderr()}`, 60_000);
      expect(sim.stdout()).toContain(`${ns}/sim-2: online as ${ns}.sim-2 via ${broker.url}`);
      expect(sim.stdout()).not.toContain(`${ns}/sim-1:`);
      sim.child.kill('SIGINT');
      expect(await sim.exited).toBe(0);
    } finally {
      if (sim.child.exitCode === null) sim.child.kill('SIGKILL');
    }
    const missing = run(['devices', 'simulate', '--device', 'nope', '-n', ns, '--kubeconfig', cluster.kubeconfigPath]);
    expect(await missing.exited).not.toBe(0);
    expect(missing.stderr()).toContain('nope');
  });

  it('simulate refuses to guess what to run', async () => {
    const sim = run(['devices', 'simulate', '-n', ns, '--kubeconfig', cluster.kubeconfigPath]);
    expect(await sim.exited).toBe(2);
    expect(sim.stderr().trim()).toBe('kubeflash: give either --count <n> or --device <name>...');
  });

  it('logs prints the records a device sends while it listens', async () => {
    const image = await eventually(() => readyDeviceImage(cluster.kubeConfig, ns, 'talker'), 'config.bin of talker');
    const talker = new VirtualDevice({ ...image, board: { chip: 'esp32c3', firmwareVersion: '1.4.0' } });
    devices.push(talker);
    await talker.start();
    const logs = run(['devices', 'logs', 'talker', '-n', ns, '--kubeconfig', cluster.kubeconfigPath, '--timeout', '20']);
    try {
      await eventually(() => (logs.stderr().includes('streaming') ? true : undefined), `logs to subscribe:\n${logs.stderr()}`, 30_000);
      expect(logs.stderr()).toContain(`streaming kf/devices/${ns}.talker/logs from ${broker.url}`);
      await talker.publishLog('error', 'ota', 'esp_ota_end failed: ESP_ERR_OTA_VALIDATE_FAILED\nsecond line');
      await eventually(() => (logs.stdout().includes('ESP_ERR_OTA_VALIDATE_FAILED') ? true : undefined), 'the record printed');
      expect(logs.stdout()).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z \+\d+\.\d{3}s ERROR {3}ota: esp_ota_end failed: ESP_ERR_OTA_VALIDATE_FAILED\n {4}second line\n$/);
    } finally {
      logs.child.kill('SIGINT');
      await logs.exited;
    }
  });

  it('logs names a Device that does not exist', async () => {
    const logs = run(['devices', 'logs', 'nobody', '-n', ns, '--kubeconfig', cluster.kubeconfigPath, '--timeout', '1']);
    expect(await logs.exited).toBe(1);
    expect(logs.stderr().trim()).toBe(`kubeflash: Device ${ns}/nobody does not exist`);
  });
});
