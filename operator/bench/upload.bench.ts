/**
 * Upload validation (issue 15). Part 1: `validateUpload` alone (every image parsed, checksums and the appended
 * SHA-256 verified, app description, chip, version, partition table and OTA slots checked) on a staged ESP-IDF
 * build with a BENCH_APP_BYTES app (default 1.25 MiB; the demo OTA slots hold 1.5 MiB), BENCH_VALIDATIONS times (default 30). Part 2: whole uploads
 * through the artifact service on devcluster (tar stream, staging with SHA-256, validation, signing, commit,
 * Firmware status), BENCH_UPLOADS times (default 10), each a new Firmware with its one-time token.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import type { Firmware } from '@kubeflash/api';
import { startTestDevCluster } from '@kubeflash/devcluster/testing';
import { filesFromBuildDir, postUpload } from '../src/artifacts/client';
import { buildDemoFirmware } from '../src/artifacts/demo-build';
import { startArtifactService } from '../src/artifacts/service/service';
import { openFileSystemStore, stageStream } from '../src/artifacts/store';
import type { StagedBlob } from '../src/artifacts/store/types';
import { newUploadToken } from '../src/artifacts/upload/token';
import { validateUpload, type UploadTarget } from '../src/artifacts/upload/validate';
import { DEFAULT_BUILDER_SETTINGS, firmwareOwner } from '../src/controllers/firmware/job';
import { ensureObjects, readManifestDir, waitForCrdsEstablished } from '../src/kube/index';
import { crdDir } from '../src/paths';

const APP_BYTES = Number(process.env.BENCH_APP_BYTES ?? 1.25 * 1024 * 1024);
const VALIDATIONS = Number(process.env.BENCH_VALIDATIONS ?? 30);
const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 10);
const NS = 'bench';

async function* one(data: Uint8Array): AsyncIterable<Uint8Array> {
  yield data;
}
const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const load = (): string => loadavg()[0].toFixed(1);

async function validationAlone(dir: string): Promise<void> {
  const build = buildDemoFirmware({ chip: 'esp32c3', version: '1.4.0', projectName: 'c3-sensor', appSize: APP_BYTES });
  const files = new Map<string, StagedBlob>();
  for (const f of build.files) files.set(f.path, await stageStream(one(f.data), dir, 1 << 26, f.path));
  const bytes = build.files.reduce((n, f) => n + f.data.length, 0);
  const target: UploadTarget = { firmware: 'c3-sensor-1-4-0', deviceClass: 'c3-sensor', chip: 'esp32c3', version: '1.4.0', configLabel: 'config', configSize: 0x6000, encrypted: false };
  const times: number[] = [];
  for (let i = 0; i < VALIDATIONS; i++) {
    const t0 = performance.now();
    const verdict = await validateUpload(target, build.flasherArgs, files);
    times.push(performance.now() - t0);
    if (!verdict.ok) throw new Error(`the demo build was refused: ${verdict.message}`);
  }
  times.sort((a, b) => a - b);
  console.log(`validation alone: ${build.files.length} images, ${(bytes / 1024).toFixed(0)} KiB (app ${(APP_BYTES / 1024).toFixed(0)} KiB), ${VALIDATIONS} runs: median ${pct(times, 50).toFixed(1)} ms, p90 ${pct(times, 90).toFixed(1)} ms = ${(bytes / 1e6 / (pct(times, 50) / 1000)).toFixed(0)} MB/s; load average ${load()}`);
}

async function wholeUploads(dir: string): Promise<void> {
  const { devcluster, kubeconfigPath } = await startTestDevCluster(dir);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath);
  const crds = (await readManifestDir(crdDir)).map((m) => m.object);
  await ensureObjects(kubeConfig, crds, 'create-or-replace');
  await waitForCrdsEstablished(kubeConfig, crds.map((c) => c.metadata?.name ?? ''));
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  await core.createNamespace({ body: { metadata: { name: NS } } });
  const kf = (plural: string, body: object) => custom.createNamespacedCustomObject({ group: 'kubeflash.dev', version: 'v1alpha1', namespace: NS, plural, body });
  await kf('deviceclasses', { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'DeviceClass', metadata: { name: 'c3-sensor' }, spec: { chip: 'esp32c3' } });
  const { store } = await openFileSystemStore(join(dir, 'store'));
  const service = await startArtifactService({ kubeConfig, store, urlKey: new Uint8Array(randomBytes(32)), builder: DEFAULT_BUILDER_SETTINGS, namespace: NS });
  try {
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < UPLOADS; i++) {
      const name = `c3-sensor-1-0-${i}`;
      const version = `1.0.${i}`;
      await kf('firmwares', { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'Firmware', metadata: { name }, spec: { deviceClassRef: { name: 'c3-sensor' }, version, source: { upload: {} } } });
      let fw: Firmware | undefined;
      while (!fw?.status?.phase) {
        await new Promise((r) => setTimeout(r, 20));
        fw = (await custom.getNamespacedCustomObject({ group: 'kubeflash.dev', version: 'v1alpha1', namespace: NS, plural: 'firmwares', name })) as Firmware;
      }
      const made = newUploadToken(NS, name, fw.metadata.generation ?? 1, firmwareOwner(fw));
      await core.createNamespacedSecret({ namespace: NS, body: made.secret });
      const build = buildDemoFirmware({ chip: 'esp32c3', version, projectName: 'c3-sensor', appSize: APP_BYTES });
      const buildDir = join(dir, `build-${i}`);
      for (const f of build.files) {
        mkdirSync(dirname(join(buildDir, f.path)), { recursive: true });
        writeFileSync(join(buildDir, f.path), f.data);
      }
      writeFileSync(join(buildDir, 'flasher_args.json'), JSON.stringify(build.flasherArgs));
      const files = filesFromBuildDir(buildDir);
      bytes = build.files.reduce((n, f) => n + f.data.length, 0);
      const t0 = performance.now();
      const result = await postUpload(service.url, NS, name, made.token, files);
      times.push(performance.now() - t0);
      if (result.status !== 201) throw new Error(`upload ${name} answered ${result.status}: ${result.body.message}`);
    }
    times.sort((a, b) => a - b);
    console.log(`whole upload through the service (tar stream, staging + SHA-256, validation, ECDSA signing, commit, Firmware status): ${UPLOADS} uploads of ${(bytes / 1024).toFixed(0)} KiB: median ${pct(times, 50).toFixed(0)} ms, max ${times[times.length - 1].toFixed(0)} ms; load average ${load()}`);
  } finally {
    await service.stop();
    await devcluster.stop();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kubeflash-upload-bench-'));
  try {
    await validationAlone(dir);
    await wholeUploads(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
