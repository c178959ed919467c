/**
 * A DeviceClass's firmware.version becomes a Firmware (made or adopted by the operator), and the class's
 * status.firmware and FirmwareReady follow it through an upload to the artifact service.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { CustomObjectsApi } from '@kubernetes/client-node';
import type { DeviceClass } from '@kubeflash/api';
import { startOperator, type RunningOperator } from '@kubeflash/operator';
import { eventually, useTestCluster, type TestCluster } from '@kubeflash/devcluster/testing';
import { filesFromBuildDir, postUpload } from '../../operator/src/artifacts/client';
import { startArtifactService, type RunningArtifactService } from '../../operator/src/artifacts/service/service';
import { openFileSystemStore } from '../../operator/src/artifacts/store';
import { DEFAULT_BUILDER_SETTINGS } from '../../operator/src/controllers/firmware/job';
import { installCrds } from '../operator/support';
import { create, deviceClass, firmware, readFirmware, uploadToken, writeDemoBuild } from './support';

jest.setTimeout(120_000);

let cluster: TestCluster;
let ns: string;
let work: string;
let operator: RunningOperator;
let service: RunningArtifactService;

const readClass = async (name: string): Promise<DeviceClass> =>
  (await cluster.kubeConfig.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ group: 'kubeflash.dev', version: 'v1alpha1', namespace: ns, plural: 'deviceclasses', name })) as DeviceClass;
const firmwareReady = async (name: string) => (await readClass(name)).status?.conditions?.find((c) => c.type === 'FirmwareReady');

beforeAll(async () => {
  cluster = await useTestCluster({ namespacePrefix: 'kf-classfw' });
  ns = cluster.namespace;
  await installCrds(cluster.kubeConfig);
  work = mkdtempSync(join(tmpdir(), 'kubeflash-classfw-'));
  operator = await startOperator({ kubeConfig: cluster.kubeConfig, healthPort: 0, namespace: ns, leaderElection: false, resyncPeriodMs: 0 });
  await operator.whenControllersRunning();
  const { store } = await openFileSystemStore(join(work, 'store'));
  service = await startArtifactService({ kubeConfig: cluster.kubeConfig, store, urlKey: new Uint8Array(randomBytes(32)), builder: DEFAULT_BUILDER_SETTINGS, namespace: ns });
});

afterAll(async () => {
  await service?.stop();
  await operator?.stop();
  await cluster?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("a DeviceClass's firmware version", () => {
  it('makes the Firmware of that class and version, owned by the class, and reports it in status', async () => {
    await create(cluster.kubeConfig, ns, 'deviceclasses', deviceClass('s3-display', 'esp32s3', { firmware: { source: { upload: {} }, version: '2.0.1' } }));
    const fw = await eventually(() => readFirmware(cluster.kubeConfig, ns, 's3-display-2-0-1').catch(() => undefined), 'Firmware s3-display-2-0-1');
    const cls = await readClass('s3-display');
    expect(fw.spec).toEqual({ deviceClassRef: { name: 's3-display' }, version: '2.0.1', source: { upload: {} }, builder: { timeoutSeconds: 3600 } });
    expect(fw.metadata.ownerReferences).toEqual([{ apiVersion: 'kubeflash.dev/v1alpha1', kind: 'DeviceClass', name: 's3-display', uid: cls.metadata.uid, blockOwnerDeletion: false }]);
    const ready = await eventually(async () => ((await firmwareReady('s3-display'))?.reason === 'FirmwareInProgress' ? firmwareReady('s3-display') : undefined), 'FirmwareInProgress');
    expect(ready).toMatchObject({ status: 'False', message: 'Firmware s3-display-2-0-1 (2.0.1) is Pending' });
    expect((await readClass('s3-display')).status?.firmware).toEqual({ name: 's3-display-2-0-1', version: '2.0.1', phase: 'Pending' });
  });

  it('turns FirmwareReady True once an upload made the Firmware Succeeded', async () => {
    writeDemoBuild(join(work, 'b201'), { chip: 'esp32s3', version: '2.0.1', projectName: 's3-display' });
    const result = await postUpload(service.url, ns, 's3-display-2-0-1', await uploadToken(cluster.kubeConfig, ns, 's3-display-2-0-1'), filesFromBuildDir(join(work, 'b201')));
    expect(result.status).toBe(201);
    const ready = await eventually(async () => ((await firmwareReady('s3-display'))?.status === 'True' ? firmwareReady('s3-display') : undefined), 'FirmwareReady True');
    expect(ready).toMatchObject({ reason: 'FirmwareSucceeded', message: 'Firmware s3-display-2-0-1 (2.0.1) is built, verified and signed' });
    expect((await readClass('s3-display')).status?.firmware?.phase).toBe('Succeeded');
    const events = (await cluster.kubeConfig.makeApiClient((await import('@kubernetes/client-node')).CoreV1Api).listNamespacedEvent({ namespace: ns })).items;
    expect(events.some((e) => e.involvedObject.kind === 'DeviceClass' && e.reason === 'FirmwareSucceeded')).toBe(true);
  });

  it('adopts an existing Firmware of the same class and version instead of making one', async () => {
    await create(cluster.kubeConfig, ns, 'deviceclasses', deviceClass('c3-sensor', 'esp32c3'));
    await create(cluster.kubeConfig, ns, 'firmwares', firmware('c3-ci-build-77', 'c3-sensor', '1.4.0'));
    await cluster.kubeConfig.makeApiClient(CustomObjectsApi).patchNamespacedCustomObject({
      group: 'kubeflash.dev', version: 'v1alpha1', namespace: ns, plural: 'deviceclasses', name: 'c3-sensor',
      body: [{ op: 'add', path: '/spec/firmware', value: { source: { upload: {} }, version: '1.4.0' } }],
    });
    await eventually(async () => ((await readClass('c3-sensor')).status?.firmware?.name === 'c3-ci-build-77' ? true : undefined), 'the class adopting c3-ci-build-77');
    await expect(readFirmware(cluster.kubeConfig, ns, 'c3-sensor-1-4-0')).rejects.toThrow();
  });

  it('says so when the name it would use belongs to another Firmware', async () => {
    await create(cluster.kubeConfig, ns, 'firmwares', firmware('c3-sensor-1-5-0', 's3-display', '9.9.9'));
    await cluster.kubeConfig.makeApiClient(CustomObjectsApi).patchNamespacedCustomObject({
      group: 'kubeflash.dev', version: 'v1alpha1', namespace: ns, plural: 'deviceclasses', name: 'c3-sensor',
      body: [{ op: 'replace', path: '/spec/firmware/version', value: '1.5.0' }],
    });
    const ready = await eventually(async () => ((await firmwareReady('c3-sensor'))?.reason === 'FirmwareNameTaken' ? firmwareReady('c3-sensor') : undefined), 'FirmwareNameTaken');
    expect(ready?.message).toBe('Firmware c3-sensor-1-5-0 exists but builds s3-display 9.9.9, not c3-sensor 1.5.0; rename or delete it');
  });
});
