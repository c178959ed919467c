import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { Firmware } from '@kubeflash/api';
import { buildDemoFirmware, type DemoBuild } from '../../operator/src/artifacts/demo-build';
import { newUploadToken } from '../../operator/src/artifacts/upload/token';
import { firmwareOwner } from '../../operator/src/controllers/firmware/job';

/** Creates a kubeflash object in `namespace`. */
export async function create(kubeConfig: KubeConfig, namespace: string, plural: string, body: object): Promise<void> {
  await kubeConfig.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({ group: 'kubeflash.dev', version: 'v1alpha1', namespace, plural, body });
}

/** Reads a Firmware. */
export async function readFirmware(kubeConfig: KubeConfig, namespace: string, name: string): Promise<Firmware> {
  return (await kubeConfig.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ group: 'kubeflash.dev', version: 'v1alpha1', namespace, plural: 'firmwares', name })) as Firmware;
}

/** A DeviceClass object. */
export function deviceClass(name: string, chip: string, extra: Record<string, unknown> = {}): object {
  return { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'DeviceClass', metadata: { name }, spec: { chip, ...extra } };
}

/** A Firmware of source upload (or git, when given). */
export function firmware(name: string, deviceClassName: string, version: string, source: object = { upload: {} }, extra: object = {}): object {
  return { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'Firmware', metadata: { name }, spec: { deviceClassRef: { name: deviceClassName }, version, source, ...extra } };
}

/** A one-time upload token for the Firmware's current generation, its Secret created in the cluster. */
export async function uploadToken(kubeConfig: KubeConfig, namespace: string, name: string): Promise<string> {
  const fw = await readFirmware(kubeConfig, namespace, name);
  const made = newUploadToken(namespace, name, fw.metadata.generation ?? 1, firmwareOwner(fw));
  await kubeConfig.makeApiClient(CoreV1Api).createNamespacedSecret({ namespace, body: made.secret });
  return made.token;
}

/** Writes a demo build folder (as `idf.py build` leaves it) and returns it with the build. */
export function writeDemoBuild(dir: string, options: Parameters<typeof buildDemoFirmware>[0]): DemoBuild {
  const build = buildDemoFirmware(options);
  for (const f of build.files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.data);
  }
  writeFileSync(join(dir, 'flasher_args.json'), JSON.stringify(build.flasherArgs, null, 2));
  return build;
}
