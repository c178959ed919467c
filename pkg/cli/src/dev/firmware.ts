import { ApiException, CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { DeviceClassResource, FirmwarePhase, FirmwareResource, GROUP, VERSION, type DeviceClass, type Firmware } from '@kubeflash/api';
import { buildDemoFirmware, newUploadToken, postUpload, UPLOAD_MANIFEST, type UploadFiles } from '@kubeflash/operator/artifacts';

/**
 * `kubeflash dev` shows firmware builds without a builder: for every DeviceClass with a version it uploads a
 * demo build (the project's own image builder; images marked as demos that do not boot) to the class's Firmware,
 * as CI would for an upload source and as the build Job's upload step would for a git source; upload-source
 * classes also get a newer Firmware, so rollouts have an older version (the devices') and a newer one.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The next minor version: 2.0.1 → 2.1.0 (a plain suffix otherwise). */
export function newerVersion(version: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)(.*)$/.exec(version);
  return m ? `${m[1]}.${Number(m[2]) + 1}.0` : `${version}-next`;
}

async function waitFor<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`kubeflash dev: timed out waiting for ${what}`);
    await sleep(200);
  }
}

function demoFiles(chip: string, version: string, projectName: string): UploadFiles {
  const build = buildDemoFirmware({ chip, version, projectName });
  return {
    files: [{ name: UPLOAD_MANIFEST, data: Buffer.from(JSON.stringify(build.flasherArgs)) }, ...build.files.map((f) => ({ name: f.path, data: f.data }))],
    images: build.files.map((f) => ({ path: f.path, offset: 0, size: f.data.length })),
  };
}

/** Uploads demo builds for the classes' Firmware (skipping Succeeded ones); returns one line per Firmware. */
export async function seedDemoFirmware(kubeConfig: KubeConfig, serviceUrl: string): Promise<string[]> {
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const readFirmware = async (namespace: string, name: string) =>
    (await custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: FirmwareResource.plural, name })) as Firmware;
  const classes = ((await custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: DeviceClassResource.plural })) as { items: DeviceClass[] }).items;
  const lines: string[] = [];

  const upload = async (fw: Firmware, chip: string, token: string): Promise<void> => {
    const namespace = fw.metadata.namespace ?? '';
    const name = fw.metadata.name ?? '';
    const result = await postUpload(serviceUrl, namespace, name, token, demoFiles(chip, fw.spec.version, fw.spec.deviceClassRef.name));
    if (result.status !== 201) throw new Error(`kubeflash dev: the demo upload to Firmware ${namespace}/${name} was refused: ${result.body.message}`);
    lines.push(`${namespace}/${name} ${fw.spec.version} (demo images, signed)`);
  };
  const uploadWithNewToken = async (fw: Firmware, chip: string): Promise<void> => {
    const owner = { apiVersion: fw.apiVersion, kind: fw.kind, name: fw.metadata.name ?? '', uid: fw.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
    const made = newUploadToken(fw.metadata.namespace ?? '', fw.metadata.name ?? '', fw.metadata.generation ?? 1, owner);
    await core.createNamespacedSecret({ namespace: fw.metadata.namespace ?? '', body: made.secret });
    await upload(fw, chip, made.token);
  };
  const succeeded = (fw: Firmware) => fw.status?.phase === FirmwarePhase.Succeeded && fw.status.observedGeneration === fw.metadata.generation;

  for (const cls of classes) {
    const namespace = cls.metadata.namespace ?? '';
    const spec = cls.spec.firmware;
    if (!spec?.version) continue;
    const name = await waitFor(`the Firmware of DeviceClass ${namespace}/${cls.metadata.name}`, async () => {
      const c = (await custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: DeviceClassResource.plural, name: cls.metadata.name ?? '' })) as DeviceClass;
      return c.status?.firmware?.name;
    });
    // Wait until the artifact service saw it (finalizer and first status), so the upload meets a settled object.
    const fw = await waitFor(`Firmware ${namespace}/${name} to be set up`, async () => {
      const f = await readFirmware(namespace, name);
      return f.status?.observedGeneration === f.metadata.generation && f.status?.phase ? f : undefined;
    });
    if (!succeeded(fw)) {
      if (spec.source.git) {
        // What the build Job's upload step does, with the token the operator made for the Job.
        const tokenSecret = `${fw.status?.jobName}-upload-token`;
        const secret = await waitFor(`the upload token of ${fw.status?.jobName}`, () => core.readNamespacedSecret({ namespace, name: tokenSecret }));
        await upload(fw, cls.spec.chip, Buffer.from(secret.data?.token ?? '', 'base64').toString('utf8'));
      } else {
        await uploadWithNewToken(fw, cls.spec.chip);
      }
    }
    if (spec.source.upload) {
      const version = newerVersion(spec.version);
      const newer = `${cls.metadata.name}-${version.replace(/[^0-9a-z]+/gi, '-').toLowerCase()}`;
      try {
        await custom.createNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          namespace,
          plural: FirmwareResource.plural,
          body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'Firmware', metadata: { name: newer, labels: { 'kubeflash.dev/demo': 'true' } }, spec: { deviceClassRef: { name: cls.metadata.name }, version, source: { upload: {} } } },
        });
      } catch (err) {
        if (!(err instanceof ApiException && err.code === 409)) throw err;
      }
      const created = await waitFor(`Firmware ${namespace}/${newer} to be set up`, async () => {
        const f = await readFirmware(namespace, newer);
        return f.status?.phase ? f : undefined;
      });
      if (!succeeded(created)) await uploadWithNewToken(created, cls.spec.chip);
    }
  }
  return lines;
}
