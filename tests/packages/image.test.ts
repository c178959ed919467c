/**
 * What can be checked of the operator image without a container engine: the Dockerfile's bases are pinned by
 * digest, it runs as the non-root user the chart's pods use, every file it copies exists after `npm run build`
 * (and is not excluded from the build context), and the bundle it ships runs alone, with nothing beside it.
 * The image itself is built and pushed by .github/workflows/release.yml.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { installObjects } from '@kubeflash/install';
import { DEFAULT_BUILDER_SETTINGS } from '@kubeflash/operator/artifacts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
/** Instructions, continuation lines joined, comments dropped. */
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const stages = instructions.reduce<{ from: string; name?: string; lines: string[] }[]>((acc, line) => {
  const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
  if (from) acc.push({ from: from[1], name: from[2], lines: [] });
  else acc[acc.length - 1]?.lines.push(line);
  return acc;
}, []);
const runtime = stages[stages.length - 1];

beforeAll(() => {
  const built = spawnSync(process.execPath, [join(repoRoot, 'operator', 'scripts', 'build.mjs')], { encoding: 'utf8', timeout: 240_000 });
  if (built.status !== 0) throw new Error(`building the operator bundle failed:\n${built.stdout}${built.stderr}`);
}, 300_000);

describe('the operator image (Dockerfile)', () => {
  it('builds in one stage and runs on another, every base pinned by digest to Node.js 20', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.from).toMatch(/^[a-z0-9./-]*(node:20-|nodejs20-)[a-z0-9.:-]*@sha256:[0-9a-f]{64}$/);
    expect(runtime.from).toMatch(/^gcr\.io\/distroless\/nodejs20-debian12:nonroot@/);
  });

  it('runs the bundle as the non-root user the chart\'s pods run as, with the chart\'s arguments', () => {
    const user = runtime.lines.find((l) => l.startsWith('USER'))?.split(/\s+/)[1];
    const deployment = installObjects().find((o) => o.kind === 'Deployment') as { spec: { template: { spec: { securityContext: { runAsUser: number }; containers: { args: string[] }[] } } } };
    const pod = deployment.spec.template.spec;
    expect(user).toBe(`${pod.securityContext.runAsUser}:${pod.securityContext.runAsUser}`);
    const entrypoint = JSON.parse(runtime.lines.find((l) => l.startsWith('ENTRYPOINT'))?.slice('ENTRYPOINT'.length) ?? '[]') as string[];
    const cmd = JSON.parse(runtime.lines.find((l) => l.startsWith('CMD'))?.slice('CMD'.length) ?? '[]') as string[];
    expect(entrypoint).toEqual(['/nodejs/bin/node', '/app/kubeflash-operator.mjs']);
    expect(cmd).toEqual(['operator']);
    expect(pod.containers[0].args[0]).toBe(cmd[0]);
  });

  it('runs the build Jobs\' upload step the way its ENTRYPOINT runs the bundle (the distroless base has no node on PATH)', () => {
    const entrypoint = JSON.parse(runtime.lines.find((l) => l.startsWith('ENTRYPOINT'))?.slice('ENTRYPOINT'.length) ?? '[]') as string[];
    expect(DEFAULT_BUILDER_SETTINGS.uploaderCommand).toEqual(entrypoint);
  });

  it('copies only files that exist after npm run build, from a build context that has the sources', () => {
    const copies = runtime.lines.filter((l) => l.startsWith('COPY'));
    expect(copies.length).toBeGreaterThan(0);
    const build = stages.find((s) => s.name === 'build');
    const workdir = build?.lines.find((l) => l.startsWith('WORKDIR'))?.split(/\s+/)[1] ?? '/';
    for (const copy of copies) {
      const [, from, source, target] = /^COPY\s+--from=(\S+)\s+(\S+)\s+(\S+)$/.exec(copy) ?? [];
      expect({ copy, from }).toEqual({ copy, from: 'build' });
      expect(source.startsWith(`${workdir}/`)).toBe(true);
      expect({ source, exists: existsSync(join(repoRoot, source.slice(workdir.length + 1))) }).toEqual({ source, exists: true });
      expect(target.startsWith('/app/')).toBe(true);
    }
    // The build stage copies the whole context; the context leaves out what the build makes itself.
    const ignored = readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.git']));
    for (const needed of ['package.json', 'yarn.lock', 'scripts/install.sh', 'operator/scripts/build.mjs']) {
      expect(ignored.some((pattern) => pattern === needed || needed.startsWith(`${pattern}/`))).toBe(false);
      expect(existsSync(join(repoRoot, needed))).toBe(true);
    }
  });

  it('ships a bundle that runs with nothing beside it (no node_modules, no sources)', () => {
    const app = mkdtempSync(join(tmpdir(), 'kubeflash-image-'));
    try {
      mkdirSync(join(app, 'app'));
      copyFileSync(join(repoRoot, 'operator', 'dist', 'kubeflash-operator.mjs'), join(app, 'app', 'kubeflash-operator.mjs'));
      const run = spawnSync(process.execPath, [join(app, 'app', 'kubeflash-operator.mjs'), 'operator', '--help'], { cwd: app, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('--webhook-cert-source');
      const refused = spawnSync(process.execPath, [join(app, 'app', 'kubeflash-operator.mjs'), 'operator', '--webhook-port', '9443'], { cwd: app, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', KUBECONFIG: join(app, 'missing') } });
      expect(refused.status).toBe(2);
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  });

  it('ships a bundle that also runs the artifact service and the build Jobs\' upload step with nothing beside it', () => {
    const app = mkdtempSync(join(tmpdir(), 'kubeflash-image-'));
    try {
      mkdirSync(join(app, 'app'));
      copyFileSync(join(repoRoot, 'operator', 'dist', 'kubeflash-operator.mjs'), join(app, 'app', 'kubeflash-operator.mjs'));
      const run = (args: string[]) => spawnSync(process.execPath, [join(app, 'app', 'kubeflash-operator.mjs'), ...args], { cwd: app, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
      const artifacts = run(['artifacts', '--help']);
      expect({ status: artifacts.status, stderr: artifacts.stderr }).toEqual({ status: 0, stderr: '' });
      expect(artifacts.stdout).toContain('--s3-bucket');
      const upload = run(['firmware', 'upload', '--help']);
      expect({ status: upload.status, stderr: upload.stderr }).toEqual({ status: 0, stderr: '' });
      expect(upload.stdout).toContain('--token-file');
      const refused = run(['artifacts', '--store', 's3']);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toContain('--store s3 needs --s3-bucket');
      // An empty list never means "every namespace" (the chart's Roles would refuse it all).
      const noNamespace = run(['artifacts', '--namespace', '']);
      expect(noNamespace.status).toBe(2);
      expect(noNamespace.stderr).toContain('--namespace takes namespace names separated by commas; "" is not a namespace name');
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  });
});

describe('the release and chart workflows', () => {
  const workflow = (name: string) => load(readFileSync(join(repoRoot, '.github', 'workflows', name), 'utf8')) as { env?: Record<string, string>; on: unknown; jobs: Record<string, { steps?: { uses?: string; run?: string; with?: Record<string, string> }[]; uses?: string }> };

  it('build the image from this Dockerfile on a version tag and run helm lint, helm template and kubeconform on every push', () => {
    const release = workflow('release.yml');
    expect(JSON.stringify(release.on)).toContain('v*.*.*');
    expect(JSON.stringify(release.jobs)).toContain('docker/build-push-action');
    const chart = workflow('chart.yml');
    const runs = Object.values(chart.jobs).flatMap((j) => j.steps ?? []).map((s) => s.run ?? '').join('\n');
    for (const command of ['helm lint --strict', 'helm template', 'kubeconform -strict', 'sha256sum --check']) expect(runs).toContain(command);
    expect(chart.env).toMatchObject({ HELM_VERSION: 'v3.17.2', KUBECONFORM_VERSION: expect.stringMatching(/^v\d+\.\d+\.\d+$/) });
  });

  it('publish the extension with rancher/dashboard\'s reusable chart workflow', () => {
    expect(workflow('build-extension-charts.yml').jobs['build-extension-charts'].uses).toBe('rancher/dashboard/.github/workflows/build-extension-charts.yml@master');
    expect(JSON.stringify(workflow('build-extension-catalog.yml').jobs)).toContain('yarn publish-pkgs -c -p -r ghcr.io');
  });
});
