/**
 * `artifacts` as the chart's Deployment runs it: the operator's production bundle, copied alone into an empty
 * folder and run with plain node (no loaders, no node_modules), against devcluster.
 * - Filesystem store: the bundle's Firmware controller makes the build Job of a git-source Firmware; the Job's
 *   upload step, run with the same bundle and the Job's own arguments and token, makes the Firmware Succeeded;
 *   the images download Range-exact; SIGTERM stops the service cleanly, its log one JSON object per line.
 * - S3 store: credentials from the environment, as the chart's credentials Secret provides them (envFrom), the
 *   AWS SDK inside the bundle stores an upload in an S3-compatible server (s3rver) and the service serves it back.
 * Both watch a list of two namespaces (`--namespace a,b`, as the chart passes operator.watchNamespaces).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { BatchV1Api, CoreV1Api, type V1Job } from '@kubernetes/client-node';
import { eventually, uniqueName, useTestCluster, type TestCluster } from '@kubeflash/devcluster/testing';
import { repoRoot } from '@kubeflash/operator/paths';
import { filesFromBuildDir, postUpload } from '../../operator/src/artifacts/client';
import { DEFAULT_BUILDER_SETTINGS, TOKEN_MOUNT, WORKSPACE } from '../../operator/src/controllers/firmware/job';
import { create, deviceClass, firmware, readFirmware, uploadToken, writeDemoBuild } from '../artifacts/support';
import { installCrds } from '../operator/support';
import { startS3rver, type TestS3 } from '../support/s3rver';

jest.setTimeout(240_000);

const GIT = { git: { url: 'https://git.example.net/iot/kubeflash.git', ref: 'v1.4.0', path: 'firmware' } };

let cluster: TestCluster;
let ns: string;
/** A second watched namespace: the service watches a list, as the chart's operator.watchNamespaces makes it. */
let other: string;
let work: string;
/** The bundle, alone in a folder of its own. */
let bundle: string;

/** A process of the bundle, its output collected. */
interface BundleProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** Runs the bundle with plain node: no NODE_OPTIONS from jest, only the environment given. */
function runBundle(args: string[], env: Record<string, string> = {}): BundleProcess {
  const child = spawn(process.execPath, [bundle, ...args], { cwd: work, env: { PATH: process.env.PATH ?? '', ...env } });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Starts `artifacts` from the bundle and waits for the URL it serves at. */
async function startArtifacts(args: string[], env: Record<string, string> = {}): Promise<BundleProcess & { url: string }> {
  const run = runBundle(['artifacts', '--kubeconfig', cluster.kubeconfigPath, '--namespace', `${ns},${other}`, '--key-namespace', ns, '--host', '127.0.0.1', '--port', '0', ...args], env);
  const url = await eventually(
    async () => {
      if (run.child.exitCode !== null) throw new Error(`artifacts exited (${run.child.exitCode}):\n${run.output()}`);
      return /serving .* on (http:\/\/127\.0\.0\.1:\d+)/.exec(run.output())?.[1];
    },
    'the artifact service listening',
    60_000,
  );
  return { ...run, url };
}

async function stop(run: BundleProcess): Promise<number | null> {
  if (run.child.exitCode === null) run.child.kill('SIGTERM');
  return run.exited;
}

async function phaseOf(name: string, phase: string, namespace = ns): Promise<NonNullable<Awaited<ReturnType<typeof readFirmware>>['status']>> {
  return eventually(async () => {
    const s = (await readFirmware(cluster.kubeConfig, namespace, name)).status;
    return s?.phase === phase ? s : undefined;
  }, `Firmware ${name} ${phase}`, 30_000);
}

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

beforeAll(async () => {
  const built = spawnSync(process.execPath, [join(repoRoot, 'operator', 'scripts', 'build.mjs')], { encoding: 'utf8', timeout: 240_000 });
  if (built.status !== 0) throw new Error(`building the operator bundle failed:\n${built.stdout}${built.stderr}`);
  work = mkdtempSync(join(tmpdir(), 'kubeflash-artifacts-bundle-'));
  mkdirSync(join(work, 'app'));
  bundle = join(work, 'app', 'kubeflash-operator.mjs');
  copyFileSync(join(repoRoot, 'operator', 'dist', 'kubeflash-operator.mjs'), bundle);
  cluster = await useTestCluster({ namespacePrefix: 'kf-artifacts-bundle' });
  ns = cluster.namespace;
  await installCrds(cluster.kubeConfig);
  other = uniqueName('kf-artifacts-other');
  await cluster.kubeConfig.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: other } } });
  for (const namespace of [ns, other]) await create(cluster.kubeConfig, namespace, 'deviceclasses', deviceClass('c3-sensor', 'esp32c3'));
});

afterAll(async () => {
  if (other) await cluster.kubeConfig.makeApiClient(CoreV1Api).deleteNamespace({ name: other }).catch(() => undefined);
  await cluster?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the production bundle runs `artifacts` with plain node', () => {
  it('on the filesystem store: builds a git Firmware through its Job, whose upload step (the same bundle) makes it Succeeded; downloads are Range-exact', async () => {
    const service = await startArtifacts(['--store', 'filesystem', '--data-dir', join(work, 'store')]);
    let token = '';
    try {
      expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
      await create(cluster.kubeConfig, ns, 'firmwares', firmware('c3-sensor-1-4-0', 'c3-sensor', '1.4.0', GIT));
      const batch = cluster.kubeConfig.makeApiClient(BatchV1Api);
      const job: V1Job = await eventually(() => batch.readNamespacedJob({ name: 'c3-sensor-1-4-0-build-1', namespace: ns }).catch(() => undefined), 'the build Job');
      const upload = job.spec?.template.spec?.containers[0];

      // The pod's filesystem, here: the build folder the build step leaves, and the mounted token.
      const pod = join(work, 'pod');
      const build = writeDemoBuild(join(pod, 'workspace/src/firmware/build'), { chip: 'esp32c3', version: '1.4.0', projectName: 'c3-sensor' });
      const secretName = job.spec?.template.spec?.volumes?.find((v) => v.name === 'upload-token')?.secret?.secretName ?? '';
      const secret = await eventually(() => cluster.kubeConfig.makeApiClient(CoreV1Api).readNamespacedSecret({ name: secretName, namespace: ns }).catch(() => undefined), 'the token Secret');
      mkdirSync(join(pod, 'token'), { recursive: true });
      token = Buffer.from(secret.data?.token ?? '', 'base64').toString();
      expect(token.length).toBeGreaterThan(40);
      writeFileSync(join(pod, 'token/token'), token);
      const args = (upload?.args ?? []).map((a) => a.replace(WORKSPACE, join(pod, 'workspace')).replace(TOKEN_MOUNT, join(pod, 'token')).replace(DEFAULT_BUILDER_SETTINGS.artifactsUrl, service.url));
      const step = runBundle(args);
      const code = await step.exited;
      expect({ code, output: step.output() }).toEqual({ code: 0, output: expect.stringContaining(`Firmware ${ns}/c3-sensor-1-4-0 is Succeeded`) });

      const status = await phaseOf('c3-sensor-1-4-0', 'Succeeded');
      expect(status.signature?.algorithm).toBe('ECDSA-P256-SHA256');
      const app = status.artifacts?.find((a) => a.name === 'app');
      expect(app?.sha256).toBe(build.appSha256);
      expect(app?.url).toBe(`${service.url}/blobs/sha256/${app?.sha256}`);
      const whole = new Uint8Array(await (await fetch(app?.url ?? '')).arrayBuffer());
      expect(sha256(whole)).toBe(app?.sha256);
      const ranged = await fetch(app?.url ?? '', { headers: { Range: 'bytes=100-1123', 'If-Range': `"${app?.sha256}"` } });
      expect(ranged.status).toBe(206);
      expect(Buffer.from(await ranged.arrayBuffer()).equals(Buffer.from(whole.subarray(100, 1124)))).toBe(true);
    } finally {
      expect(await stop(service)).toBe(0);
    }
    const output = service.output();
    expect(output).toContain('shutting down');
    const lines = output.split('\n').filter((l) => l.trim());
    for (const line of lines) expect(Object.keys(JSON.parse(line) as object)).toEqual(expect.arrayContaining(['time', 'level', 'msg']));
    // The one-time token never reaches the service's log.
    expect(output).not.toContain(token.slice(token.lastIndexOf('.') + 1));
  });

  it('on the S3 store: credentials from the environment (the chart\'s credentials Secret), an upload stored in the bucket and served back', async () => {
    const s3: TestS3 = await startS3rver();
    const service = await startArtifacts(
      ['--store', 's3', '--s3-bucket', s3.options.bucket, '--s3-endpoint', s3.options.endpoint ?? '', '--s3-region', s3.options.region ?? 'us-east-1', '--s3-prefix', 'bundle/', '--staging-dir', join(work, 's3-staging')],
      { AWS_ACCESS_KEY_ID: s3.options.credentials?.accessKeyId ?? '', AWS_SECRET_ACCESS_KEY: s3.options.credentials?.secretAccessKey ?? '' },
    );
    try {
      expect(service.output()).toContain(`s3 ${s3.options.endpoint} bucket ${s3.options.bucket} prefix bundle/`);
      // In the second namespace of the list.
      await create(cluster.kubeConfig, other, 'firmwares', firmware('c3-sensor-1-5-0', 'c3-sensor', '1.5.0'));
      await phaseOf('c3-sensor-1-5-0', 'Pending', other);
      const build = writeDemoBuild(join(work, 'ci-build'), { chip: 'esp32c3', version: '1.5.0', projectName: 'c3-sensor' });
      const uploaded = await postUpload(service.url, other, 'c3-sensor-1-5-0', await uploadToken(cluster.kubeConfig, other, 'c3-sensor-1-5-0'), filesFromBuildDir(join(work, 'ci-build')));
      expect(uploaded.status).toBe(201);
      const status = await phaseOf('c3-sensor-1-5-0', 'Succeeded', other);
      // Staged where the chart's emptyDir is mounted, and nothing left there once stored.
      expect(readdirSync(join(work, 's3-staging'))).toEqual([]);
      for (const f of build.files) {
        const artifact = status.artifacts?.find((a) => a.sha256 === sha256(f.data));
        expect({ file: f.path, stored: Boolean(artifact) }).toEqual({ file: f.path, stored: true });
        const served = new Uint8Array(await (await fetch(artifact?.url ?? '')).arrayBuffer());
        expect(sha256(served)).toBe(artifact?.sha256);
      }
    } finally {
      expect(await stop(service)).toBe(0);
      await s3.stop();
    }
  });
});
