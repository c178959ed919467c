// The parts that run outside the repository's TypeScript tooling: the libraries built to JavaScript
// import with plain node (no tsx, no loader), and the operator bundle carries no development-only code.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Runs an ES module snippet with plain node from the repository root (jest's NODE_OPTIONS removed). */
function plainNode(code: string): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

beforeAll(() => {
  const built = spawnSync('bash', [join(repoRoot, 'scripts', 'build.sh')], { encoding: 'utf8', timeout: 240_000 });
  if (built.status !== 0) throw new Error(`scripts/build.sh failed:\n${built.stdout}${built.stderr}`);
}, 300_000);

describe('libraries built to JavaScript', () => {
  it.each([
    ['@kubeflash/esp', 'buildNvsImage'],
    ['@kubeflash/esp/node', 'encryptNvsImage'],
    ['@kubeflash/flasher', 'flashDevice'],
    ['@kubeflash/flasher/simulator', 'createSimulator'],
    ['@kubeflash/flasher/node', 'NodeWebSerialPort'],
    ['@kubeflash/api', 'validateConfigSchema'],
    ['@kubeflash/protocol', 'parseMessage'],
    ['@kubeflash/virtual-device', 'readDeviceConfig'],
  ])('%s imports with plain node and exports %s', (specifier, name) => {
    const run = plainNode(`const m = await import('${specifier}'); console.log(import.meta.resolve('${specifier}')); console.log(typeof m.${name});`);
    expect(run.stderr).toBe('');
    const [resolved, type] = run.stdout.trim().split('\n');
    expect(resolved).toMatch(/\/dist\/[a-z]+\.js$/);
    expect(type).toBe('function');
  });

  it('the built NVS writer makes the same image as the sources', async () => {
    const { buildNvsImage } = await import('@kubeflash/esp');
    const entries = [{ namespace: 'config', key: 'site', type: 'string', value: 'garage' }, { namespace: 'config', key: 'period', type: 'u16', value: 60 }] as const;
    const fromSource = Buffer.from(buildNvsImage(entries as never, { size: 0x3000 })).toString('hex');
    const run = plainNode(`const { buildNvsImage } = await import('@kubeflash/esp'); process.stdout.write(Buffer.from(buildNvsImage(${JSON.stringify(entries)}, { size: 0x3000 })).toString('hex'));`);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(fromSource);
  });
});

describe('the operator bundle', () => {
  const bundle = join(repoRoot, 'operator', 'dist', 'kubeflash-operator.mjs');

  it('contains neither devcluster, the development brokers, the virtual device, tsx nor the TypeScript compiler', () => {
    const meta = JSON.parse(readFileSync(join(repoRoot, 'operator', 'dist', 'kubeflash-operator.meta.json'), 'utf8')) as { inputs: Record<string, unknown> };
    const inputs = Object.keys(meta.inputs);
    expect(inputs.some((input) => input.startsWith('src/controllers/'))).toBe(true);
    expect(inputs.filter((input) => /pkg\/(devcluster|broker|virtual-device)\/|node_modules\/(tsx|typescript|aedes)\//.test(input))).toEqual([]);
    expect(readFileSync(bundle, 'utf8')).not.toContain('startDevCluster');
  });

  it('prints its help with plain node', () => {
    const run = spawnSync(process.execPath, [bundle, 'operator', '--help'], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('--no-leader-election');
  });

  it.each([
    [['artifacts', '--help'], '--store <kind>'],
    [['firmware', 'upload', '--help'], '--token-file <file>'],
  ])('runs %j with plain node (the artifact Deployment and the build Job\'s upload step use it)', (args, option) => {
    const run = spawnSync(process.execPath, [bundle, ...args], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(option);
  });
});
