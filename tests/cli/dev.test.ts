import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(repoRoot, 'pkg', 'cli', 'bin', 'kubeflash.js');

interface Started {
  child: ChildProcess;
  output: () => string;
}

function startDev(stateDir: string, extra: string[] = []): Started {
  let output = '';
  const child = spawn(process.execPath, [cli, 'dev', '--state-dir', stateDir, '--port', '0', ...extra], { cwd: repoRoot });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  return { child, output: () => output };
}

async function waitFor(condition: () => boolean, what: string, started: Started, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (started.child.exitCode !== null) throw new Error(`kubeflash dev exited (${started.child.exitCode}) before ${what}:\n${started.output()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${started.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stop(started: Started): Promise<number | null> {
  const exited = new Promise<number | null>((r) => started.child.once('exit', (code) => r(code)));
  started.child.kill('SIGINT');
  return exited;
}

function kubectl(kubeconfig: string, args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync('kubectl', ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8' });
  if (result.error) throw new Error(`kubectl could not run (is it installed?): ${result.error.message}`);
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('kubeflash dev', () => {
  let stateDir: string;

  beforeAll(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'kubeflash-dev-'));
  });
  afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

  it('serves the CRDs and the example fleet to kubectl, stops cleanly on Ctrl-C and keeps state across restarts', async () => {
    const kubeconfig = join(stateDir, 'kubeconfig');
    const first = startDev(stateDir);
    await waitFor(() => existsSync(kubeconfig), 'the kubeconfig', first);
    await waitFor(() => first.output().includes(`export KUBECONFIG=${kubeconfig}`), 'the KUBECONFIG hint', first, 5_000);

    const devices = kubectl(kubeconfig, ['get', 'devices', '-A', '-o', 'name']);
    expect(devices.stderr).toBe('');
    expect(devices.stdout.trim().split('\n')).toHaveLength(5);

    // The operator's controllers run inside `kubeflash dev`: every example device gets its config Secret within seconds.
    const configSecrets = () => kubectl(kubeconfig, ['-n', 'kubeflash-demo', 'get', 'secrets', '-o', 'name']).stdout.split('\n').filter((n) => n.endsWith('-config'));
    await waitFor(() => configSecrets().length === 5, 'the five <device>-config Secrets', first, 10_000);

    const label = kubectl(kubeconfig, ['-n', 'kubeflash-demo', 'label', 'devicesclusters', '--all', 'kubeflash.dev/test-marker=kept']);
    expect(label.stderr).toBe('');
    expect(await stop(first)).toBe(0);
    expect(first.output()).toContain('stopped');

    const second = startDev(stateDir);
    await waitFor(() => second.output().includes('Press Ctrl-C'), 'the second start', second);
    const marked = kubectl(kubeconfig, ['get', 'devicesclusters', '-A', '-l', 'kubeflash.dev/test-marker=kept', '-o', 'name']);
    expect(marked.stdout.trim()).not.toBe('');
    expect(second.output()).toMatch(/examples: 0 created/);
    expect(await stop(second)).toBe(0);
  }, 120_000);

  it('--no-operator --no-examples runs the bare API server: the CRDs, an administrator kubeconfig, nothing else', async () => {
    const bareDir = mkdtempSync(join(tmpdir(), 'kubeflash-dev-bare-'));
    const bare = startDev(bareDir, ['--no-operator', '--no-examples']);
    try {
      const kubeconfig = join(bareDir, 'kubeconfig');
      await waitFor(() => existsSync(kubeconfig), 'the kubeconfig', bare);
      expect(bare.output()).toContain('operator: not started (--no-operator)');
      const crds = kubectl(kubeconfig, ['get', 'crds', '-o', 'name']).stdout.trim().split('\n');
      expect(crds.filter((n) => n.endsWith('.kubeflash.dev')).length).toBeGreaterThanOrEqual(6);
      expect(kubectl(kubeconfig, ['get', 'kubeflash', '-A', '-o', 'name']).stdout.trim()).toBe('');
      // The kubeconfig authenticates with a client certificate of a cluster administrator.
      const whoami = JSON.parse(kubectl(kubeconfig, ['auth', 'whoami', '-o', 'json']).stdout) as { status: { userInfo: { username: string; groups: string[] } } };
      expect(whoami.status.userInfo.groups).toContain('system:masters');
      expect(kubectl(kubeconfig, ['auth', 'can-i', '*', '*']).stdout.trim()).toBe('yes');
      expect(await stop(bare)).toBe(0);
    } finally {
      if (bare.child.exitCode === null) await stop(bare);
      rmSync(bareDir, { recursive: true, force: true });
    }
  });

  it('starts a broker and one virtual device per example Device: every example device is Online within 30 s of start, and the example rollout started as the UI does updates the displays', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeflash-dev-online-'));
    const kubeconfig = join(dir, 'kubeconfig');
    const startedAt = Date.now();
    const dev = startDev(dir);
    try {
      await waitFor(() => existsSync(kubeconfig), 'the kubeconfig', dev);
      expect(dev.output()).toMatch(/MQTT broker: (mosquitto [0-9.]+ with the dynamic-security plugin|embedded MQTT broker .*because .*)/);
      const online = (): Record<string, string> => {
        const run = kubectl(kubeconfig, ['-n', 'kubeflash-demo', 'get', 'devices', '-o', 'json']);
        const items = (JSON.parse(run.stdout || '{"items":[]}') as { items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[] }).items;
        return Object.fromEntries(items.map((d) => [d.metadata.name, d.status?.conditions?.find((c) => c.type === 'Online')?.status ?? 'none']));
      };
      await waitFor(() => Object.values(online()).filter((s) => s === 'True').length === 5, 'the five example devices Online', dev, 30_000 - (Date.now() - startedAt));
      expect(Date.now() - startedAt).toBeLessThan(30_000);
      // The broker address in every config.bin is the one dev started: the virtual devices used it.
      const cluster = JSON.parse(kubectl(kubeconfig, ['-n', 'kubeflash-demo', 'get', 'devicesclusters', 'home', '-o', 'json']).stdout) as { spec: { mqtt: { brokerUri: string } } };
      expect(cluster.spec.mqtt.brokerUri).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
      expect(dev.output()).toContain(`listening on ${cluster.spec.mqtt.brokerUri}`);
      const line = `virtual device kubeflash-demo/garage-temp-1: online as kubeflash-demo.garage-temp-1 via ${cluster.spec.mqtt.brokerUri}`;
      await waitFor(() => dev.output().includes(line), 'the virtual device\'s log line', dev, 5_000);

      // The example rollout, started as the UI's Start button does (a JSON Patch of spec.dryRun), brings the
      // displays to the newer demo firmware.
      const rollout = () => JSON.parse(kubectl(kubeconfig, ['-n', 'kubeflash-demo', 'get', 'rollouts.kubeflash.dev', 's3-display-2-1-0', '-o', 'json']).stdout || '{}') as { status?: { phase?: string; targetVersion?: string; waves?: { devices: string[] }[]; counts?: Record<string, number> } };
      await waitFor(() => rollout().status?.phase === 'Planned', 'the example rollout Planned (dry run)', dev, 30_000);
      const patched = kubectl(kubeconfig, ['-n', 'kubeflash-demo', 'patch', 'rollouts.kubeflash.dev', 's3-display-2-1-0', '--type=json', '-p', '[{"op":"replace","path":"/spec/dryRun","value":false}]']);
      expect(patched.stderr).toBe('');
      await waitFor(() => ['Succeeded', 'Aborted'].includes(rollout().status?.phase ?? ''), 'the example rollout to finish', dev, 120_000);
      const done = rollout();
      expect(done.status).toMatchObject({ phase: 'Succeeded', targetVersion: '2.1.0', counts: { failed: 0 } });
      const displays = done.status?.waves?.flatMap((w) => w.devices) ?? [];
      expect(displays.length).toBeGreaterThan(0);
      for (const name of displays) {
        const device = JSON.parse(kubectl(kubeconfig, ['-n', 'kubeflash-demo', 'get', 'devices', name, '-o', 'json']).stdout) as { status?: { reported?: { firmwareVersion?: string }; ota?: { state?: string } } };
        expect([name, device.status?.reported?.firmwareVersion, device.status?.ota?.state]).toEqual([name, '2.1.0', 'Succeeded']);
      }
      expect(await stop(dev)).toBe(0);
    } finally {
      if (dev.child.exitCode === null) dev.child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);

  it('runs the embedded broker when asked, with no virtual devices for --virtual-devices 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeflash-dev-embedded-'));
    let output = '';
    const child = spawn(process.execPath, [cli, 'dev', '--state-dir', dir, '--port', '0', '--broker', 'embedded', '--virtual-devices', '0'], { cwd: repoRoot });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const dev = { child, output: () => output };
    try {
      await waitFor(() => output.includes('Press Ctrl-C'), 'the start', dev);
      expect(output).toContain('MQTT broker: embedded MQTT broker (aedes, MQTT 3.1.1, emulated mosquitto dynamic security), as asked');
      expect(output).toContain('0 virtual devices');
      expect(await stop(dev)).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a bad port with a one-line message and exit code 2', () => {
    const result = spawnSync(process.execPath, [cli, 'dev', '--port', 'http'], { cwd: repoRoot, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe('kubeflash: --port must be a port number from 0 to 65535, got "http"');
  });

  it('exits with the reason instead of hanging when the cluster cannot be reached', () => {
    const kubeconfig = join(stateDir, 'unreachable-kubeconfig');
    writeFileSync(kubeconfig, [
      'apiVersion: v1', 'kind: Config', 'current-context: x',
      'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]',
      'users: [{name: u, user: {token: t}}]', 'contexts: [{name: x, context: {cluster: c, user: u}}]', '',
    ].join('\n'));
    const result = spawnSync(process.execPath, [cli, 'dev', '--kubeconfig', kubeconfig], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^kubeflash: cannot apply CustomResourceDefinition \S+\.kubeflash\.dev: .*ECONNREFUSED/);
  });
});
