/**
 * Firmware of source git on devcluster, which stores Jobs but runs no pods: the build Job is checked by its spec,
 * the Job controller's status changes (with its condition pairs, which the API server validates) are written by the
 * test, and the Job's upload step is run here with the exact arguments and the token the Job would get.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { BatchV1Api, CoreV1Api, CustomObjectsApi, type V1Job } from '@kubernetes/client-node';
import { eventually, useTestCluster, type TestCluster } from '@kubeflash/devcluster/testing';
import { repoRoot } from '@kubeflash/operator/paths';
import { startArtifactService, type RunningArtifactService } from '../../operator/src/artifacts/service/service';
import { openFileSystemStore } from '../../operator/src/artifacts/store';
import { DEFAULT_BUILDER_SETTINGS, TOKEN_MOUNT, WORKSPACE } from '../../operator/src/controllers/firmware/job';
import { installCrds } from '../operator/support';
import { create, deviceClass, firmware, readFirmware, writeDemoBuild } from './support';

jest.setTimeout(180_000);

let cluster: TestCluster;
let ns: string;
let work: string;
let service: RunningArtifactService;
const urlKey = new Uint8Array(randomBytes(32));
const GIT = { git: { url: 'https://git.example.net/iot/kubeflash.git', ref: 'v1.4.0', path: 'firmware' } };

const batch = () => cluster.kubeConfig.makeApiClient(BatchV1Api);
const jobsOf = async (name: string): Promise<V1Job[]> => (await batch().listNamespacedJob({ namespace: ns, labelSelector: `kubeflash.dev/firmware=${name}` })).items;

async function start(startTimeoutMs = 60_000): Promise<RunningArtifactService> {
  const { store } = await openFileSystemStore(join(work, 'store'));
  return startArtifactService({ kubeConfig: cluster.kubeConfig, store, urlKey, builder: DEFAULT_BUILDER_SETTINGS, namespace: ns, startTimeoutMs });
}

/** Writes what the Job controller would write into a Job's status. */
async function setJobStatus(name: string, status: Record<string, unknown>): Promise<void> {
  const job = await batch().readNamespacedJob({ name, namespace: ns });
  await batch().replaceNamespacedJobStatus({ name, namespace: ns, body: { ...job, status: { ...job.status, ...status } } });
}

async function phaseOf(name: string, phase: string, reason?: string): Promise<NonNullable<Awaited<ReturnType<typeof readFirmware>>['status']>> {
  return eventually(async () => {
    const s = (await readFirmware(cluster.kubeConfig, ns, name)).status;
    return s?.phase === phase && (!reason || s.conditions?.find((c) => c.type === 'Built')?.reason === reason) ? s : undefined;
  }, `Firmware ${name} ${phase}${reason ? `/${reason}` : ''}`, 20_000);
}

beforeAll(async () => {
  cluster = await useTestCluster({ namespacePrefix: 'kf-build' });
  ns = cluster.namespace;
  await installCrds(cluster.kubeConfig);
  work = mkdtempSync(join(tmpdir(), 'kubeflash-build-'));
  await create(cluster.kubeConfig, ns, 'deviceclasses', deviceClass('c3-sensor', 'esp32c3'));
  await create(cluster.kubeConfig, ns, 'firmwares', firmware('c3-sensor-1-4-0', 'c3-sensor', '1.4.0', GIT, { builder: { timeoutSeconds: 1800 } }));
  service = await start();
});

afterAll(async () => {
  await service?.stop();
  await cluster?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('a Firmware of source git', () => {
  it('gets one build Job for its generation: pinned builder, fetch and build steps, upload step with a token Secret the Job owns', async () => {
    const [job] = await eventually(async () => {
      const jobs = await jobsOf('c3-sensor-1-4-0');
      return jobs.length === 1 ? jobs : undefined;
    }, 'the build Job');
    const fw = await readFirmware(cluster.kubeConfig, ns, 'c3-sensor-1-4-0');
    expect(job.metadata?.name).toBe('c3-sensor-1-4-0-build-1');
    expect(job.metadata?.labels).toMatchObject({ 'kubeflash.dev/firmware': 'c3-sensor-1-4-0', 'kubeflash.dev/firmware-generation': '1' });
    expect(job.metadata?.ownerReferences).toEqual([{ apiVersion: 'kubeflash.dev/v1alpha1', kind: 'Firmware', name: 'c3-sensor-1-4-0', uid: fw.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    const spec = job.spec;
    expect(spec).toMatchObject({ backoffLimit: 1, activeDeadlineSeconds: 1800 });
    const pod = spec?.template.spec;
    expect(pod?.restartPolicy).toBe('Never');
    expect(pod?.automountServiceAccountToken).toBe(false);
    expect(pod?.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod?.initContainers?.map((c) => c.name)).toEqual(['fetch-source', 'build']);
    for (const c of [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])]) {
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    }
    // The ESP-IDF steps run a builder pinned by digest; the upload step runs the operator's own image.
    for (const c of pod?.initContainers ?? []) expect(c.image).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(pod?.containers?.[0].image).toBe(DEFAULT_BUILDER_SETTINGS.uploaderImage);
    const [fetchStep, build] = pod?.initContainers ?? [];
    expect(fetchStep.image).toBe(DEFAULT_BUILDER_SETTINGS.image);
    expect(fetchStep.env).toEqual(expect.arrayContaining([{ name: 'GIT_URL', value: GIT.git.url }, { name: 'GIT_REF', value: 'v1.4.0' }]));
    expect(build.workingDir).toBe(`${WORKSPACE}/src/firmware`);
    expect(build.command?.join(' ')).toContain('exec "./scripts/build.sh" "$KUBEFLASH_FIRMWARE_VERSION"');
    expect(build.env).toEqual(expect.arrayContaining([{ name: 'KUBEFLASH_FIRMWARE_VERSION', value: '1.4.0' }, { name: 'IDF_TARGET', value: 'esp32c3' }]));
    expect(build.resources).toEqual(DEFAULT_BUILDER_SETTINGS.resources);
    const upload = pod?.containers?.[0];
    expect(upload?.args).toEqual(['firmware', 'upload', 'c3-sensor-1-4-0', '--namespace', ns, '--build-dir', `${WORKSPACE}/src/firmware/build`, '--url', DEFAULT_BUILDER_SETTINGS.artifactsUrl, '--token-file', `${TOKEN_MOUNT}/token`]);
    const tokenVolume = pod?.volumes?.find((v) => v.name === 'upload-token');
    const secret = await eventually(() => cluster.kubeConfig.makeApiClient(CoreV1Api).readNamespacedSecret({ name: tokenVolume?.secret?.secretName ?? '', namespace: ns }).catch(() => undefined), 'the token Secret');
    expect(secret.metadata?.ownerReferences).toEqual([expect.objectContaining({ kind: 'Job', name: job.metadata?.name, uid: job.metadata?.uid })]);
    expect(secret.metadata?.annotations?.['kubeflash.dev/firmware-generation']).toBe('1');
    expect((await phaseOf('c3-sensor-1-4-0', 'Pending', 'BuildPending')).message).toBe('build Job c3-sensor-1-4-0-build-1 created; waiting for it to start');
  });

  it('is Building while the Job runs, and the Job\'s upload step (run here with its arguments and token) makes it Succeeded', async () => {
    await setJobStatus('c3-sensor-1-4-0-build-1', { startTime: new Date(), active: 1, ready: 1 });
    expect((await phaseOf('c3-sensor-1-4-0', 'Building', 'Building')).message).toBe('build Job c3-sensor-1-4-0-build-1 is running');

    // The pod's filesystem, here: the build folder the build step leaves, and the mounted token.
    const job = await batch().readNamespacedJob({ name: 'c3-sensor-1-4-0-build-1', namespace: ns });
    const upload = job.spec?.template.spec?.containers[0];
    const root = join(work, 'pod');
    writeDemoBuild(join(root, 'workspace/src/firmware/build'), { chip: 'esp32c3', version: '1.4.0', projectName: 'c3-sensor' });
    const secretName = job.spec?.template.spec?.volumes?.find((v) => v.name === 'upload-token')?.secret?.secretName ?? '';
    const secret = await cluster.kubeConfig.makeApiClient(CoreV1Api).readNamespacedSecret({ name: secretName, namespace: ns });
    mkdirSync(join(root, 'token'), { recursive: true });
    writeFileSync(join(root, 'token/token'), Buffer.from(secret.data?.token ?? '', 'base64'));
    const args = (upload?.args ?? []).map((a) =>
      a.replace(WORKSPACE, join(root, 'workspace')).replace(TOKEN_MOUNT, join(root, 'token')).replace(DEFAULT_BUILDER_SETTINGS.artifactsUrl, service.url),
    );
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [join(repoRoot, 'pkg/cli/bin/kubeflash.js'), ...args], { env: { ...process.env, KUBECONFIG: '/nonexistent' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(run.stderr).toContain('uploading 4 image(s)');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Firmware ${ns}/c3-sensor-1-4-0 is Succeeded: app c3-sensor 1.4.0, signed with key `);
    const status = await phaseOf('c3-sensor-1-4-0', 'Succeeded');
    expect(status.jobName).toBe('c3-sensor-1-4-0-build-1');
    expect(status.signature?.algorithm).toBe('ECDSA-P256-SHA256');
    // The token worked once; the Job then completes, which changes nothing.
    const done = new Date();
    await setJobStatus('c3-sensor-1-4-0-build-1', {
      active: 0,
      ready: 0,
      succeeded: 1,
      completionTime: done,
      conditions: [
        { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastTransitionTime: done },
        { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastTransitionTime: done },
      ],
    });
    await new Promise((r) => setTimeout(r, 1000));
    expect((await readFirmware(cluster.kubeConfig, ns, 'c3-sensor-1-4-0')).status?.phase).toBe('Succeeded');
  });

  it('a spec change cancels the running Job and builds the new generation', async () => {
    await create(cluster.kubeConfig, ns, 'firmwares', firmware('c3-sensor-1-5-0', 'c3-sensor', '1.5.0', { git: { ...GIT.git, ref: 'v1.5.0' } }));
    await eventually(async () => ((await jobsOf('c3-sensor-1-5-0')).length === 1 ? true : undefined), 'generation 1 Job');
    await setJobStatus('c3-sensor-1-5-0-build-1', { startTime: new Date(), active: 1, ready: 1 });
    await phaseOf('c3-sensor-1-5-0', 'Building');
    await cluster.kubeConfig.makeApiClient(CustomObjectsApi).patchNamespacedCustomObject(
      { group: 'kubeflash.dev', version: 'v1alpha1', namespace: ns, plural: 'firmwares', name: 'c3-sensor-1-5-0', body: [{ op: 'replace', path: '/spec/source/git/ref', value: 'v1.5.1' }] },
    );
    const jobs = await eventually(async () => {
      const j = await jobsOf('c3-sensor-1-5-0');
      return j.length === 1 && j[0].metadata?.name === 'c3-sensor-1-5-0-build-2' ? j : undefined;
    }, 'only the generation 2 Job');
    expect(jobs[0].spec?.template.spec?.initContainers?.[0].env).toEqual(expect.arrayContaining([{ name: 'GIT_REF', value: 'v1.5.1' }]));
    const status = await phaseOf('c3-sensor-1-5-0', 'Pending', 'BuildPending');
    expect(status.observedGeneration).toBe(2);
  });

  it('a Job past its deadline fails the Firmware with the reason', async () => {
    const deadline = { status: 'True', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline', lastTransitionTime: new Date() };
    await setJobStatus('c3-sensor-1-5-0-build-2', { startTime: new Date(), active: 0, failed: 1, conditions: [{ type: 'FailureTarget', ...deadline }, { type: 'Failed', ...deadline }] });
    const status = await phaseOf('c3-sensor-1-5-0', 'Failed', 'BuildTimedOut');
    expect(status.message).toBe('build Job c3-sensor-1-5-0-build-2 passed its deadline of 3600s (spec.builder.timeoutSeconds)');
    const events = (await cluster.kubeConfig.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: ns })).items;
    expect(events.some((e) => e.involvedObject.name === 'c3-sensor-1-5-0' && e.type === 'Warning' && e.reason === 'BuildTimedOut')).toBe(true);
  });

  it('a restarted service adopts the running Job instead of making another', async () => {
    await create(cluster.kubeConfig, ns, 'firmwares', firmware('c3-sensor-1-6-0', 'c3-sensor', '1.6.0', GIT));
    await eventually(async () => ((await jobsOf('c3-sensor-1-6-0')).length === 1 ? true : undefined), 'the Job');
    await setJobStatus('c3-sensor-1-6-0-build-1', { startTime: new Date(), active: 1, ready: 1 });
    await phaseOf('c3-sensor-1-6-0', 'Building');
    const uid = (await jobsOf('c3-sensor-1-6-0'))[0].metadata?.uid;
    await service.stop();
    service = await start();
    await service.controller.whenIdle();
    await new Promise((r) => setTimeout(r, 500));
    const jobs = await jobsOf('c3-sensor-1-6-0');
    expect(jobs.map((j) => j.metadata?.uid)).toEqual([uid]);
    expect((await readFirmware(cluster.kubeConfig, ns, 'c3-sensor-1-6-0')).status?.phase).toBe('Building');
  });

  it('a Job that never starts fails the Firmware after the start timeout', async () => {
    await service.stop();
    service = await start(1500);
    await create(cluster.kubeConfig, ns, 'firmwares', firmware('c3-sensor-1-7-0', 'c3-sensor', '1.7.0', GIT));
    const status = await phaseOf('c3-sensor-1-7-0', 'Failed', 'BuildTimedOut');
    expect(status.message).toBe("build Job c3-sensor-1-7-0-build-1 did not start within 2s (no pod ran: check the builder image, image pull secrets and the cluster's capacity)");
    await eventually(async () => ((await jobsOf('c3-sensor-1-7-0')).length === 0 ? true : undefined), 'the Job deleted');
  });
});
