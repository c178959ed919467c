/** Helpers for the operator suites: the example fleet in a test namespace, reading config Secrets, counting writes. */
import { CoreV1Api, CustomObjectsApi, type KubeConfig, type KubernetesObject, type V1Secret } from '@kubernetes/client-node';
import { parseNvsImage, parseNvsKeyPartition, type NvsEntry } from '@kubeflash/esp';
import { decryptNvsImage } from '@kubeflash/esp/node';
import { ensureObjects, waitForCrdsEstablished, readManifestDir } from '@kubeflash/operator/kube';
import { crdDir, examplesDir } from '@kubeflash/operator/paths';
import type { Device } from '../../pkg/api/src/v1alpha1/device';
import type { OperatorMetrics } from '@kubeflash/operator';

export const EXAMPLE_DEVICES = ['garage-door-panel', 'garage-freezer', 'garage-hall-display', 'garage-temp-1', 'garage-temp-2'];

/** Installs (or replaces) the kubeflash CRDs and waits until they are served. */
export async function installCrds(kubeConfig: KubeConfig): Promise<void> {
  const crds = (await readManifestDir(crdDir)).map((m) => m.object);
  await ensureObjects(kubeConfig, crds, 'create-or-replace');
  await waitForCrdsEstablished(kubeConfig, crds.map((c) => c.metadata?.name ?? ''));
}

/**
 * The example fleet (without its Namespace) moved into `namespace`, as plain JSON. Its broker does not exist
 * here, so its DevicesCluster manages no accounts (`accountManagement: none`); the broker suites in tests/mqtt
 * run against a real one.
 */
export async function exampleFleet(namespace: string): Promise<KubernetesObject[]> {
  const objects = (await readManifestDir(examplesDir)).map((m) => m.object).filter((o) => o.kind !== 'Namespace');
  return (JSON.parse(JSON.stringify(objects)) as KubernetesObject[]).map((o) => {
    const moved = { ...o, metadata: { ...o.metadata, namespace } };
    if (o.kind !== 'DevicesCluster') return moved;
    const mqtt: Record<string, unknown> = { ...(o as { spec: { mqtt: Record<string, unknown> } }).spec.mqtt, accountManagement: 'none' };
    delete mqtt.adminSecretRef;
    return { ...moved, spec: { ...(o as { spec: object }).spec, mqtt } };
  });
}

/** Secrets first, then the kubeflash objects, as kubectl apply of the folder would order them. */
export function inDependencyOrder(objects: KubernetesObject[]): KubernetesObject[] {
  return [...objects.filter((o) => o.kind === 'Secret'), ...objects.filter((o) => o.kind !== 'Secret')];
}

/** Reads a config Secret, or undefined. */
export async function readSecret(kubeConfig: KubeConfig, namespace: string, name: string): Promise<V1Secret | undefined> {
  try {
    return await kubeConfig.makeApiClient(CoreV1Api).readNamespacedSecret({ name, namespace });
  } catch {
    return undefined;
  }
}

/** The values of a device's config.bin, decrypted with its nvs_keys.bin when present. */
export function configValues(secret: V1Secret): Record<string, string | bigint> {
  let image = new Uint8Array(Buffer.from(secret.data?.['config.bin'] ?? '', 'base64'));
  const keys = secret.data?.['nvs_keys.bin'];
  if (keys) image = decryptNvsImage(image, parseNvsKeyPartition(new Uint8Array(Buffer.from(keys, 'base64'))));
  const parsed = parseNvsImage(image);
  if (parsed.issues.some((i) => i.severity === 'error')) throw new Error(`config.bin of ${secret.metadata?.name} has errors: ${JSON.stringify(parsed.issues)}`);
  const out: Record<string, string | bigint> = {};
  for (const e of parsed.values as NvsEntry[]) out[e.key] = e.type === 'string' ? e.value : e.type === 'blob' ? Buffer.from(e.value).toString('base64') : BigInt(e.value);
  return out;
}

/** resourceVersion of every Secret and kubeflash object of the namespace, by `Kind/name`. */
export async function resourceVersions(kubeConfig: KubeConfig, namespace: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const s of (await kubeConfig.makeApiClient(CoreV1Api).listNamespacedSecret({ namespace })).items) out[`Secret/${s.metadata?.name}`] = s.metadata?.resourceVersion ?? '';
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  for (const [kind, plural] of [['Device', 'devices'], ['DeviceGroup', 'devicegroups'], ['DeviceClass', 'deviceclasses'], ['DevicesCluster', 'devicesclusters']]) {
    const list = (await custom.listNamespacedCustomObject({ group: 'kubeflash.dev', version: 'v1alpha1', namespace, plural })) as { items: KubernetesObject[] };
    for (const o of list.items) out[`${kind}/${o.metadata?.name}`] = o.metadata?.resourceVersion ?? '';
  }
  return out;
}

/** Reads one Device. */
export async function readDevice(kubeConfig: KubeConfig, namespace: string, name: string): Promise<Device> {
  return (await kubeConfig.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ group: 'kubeflash.dev', version: 'v1alpha1', namespace, plural: 'devices', name })) as Device;
}

/** Total write requests the operator's controllers sent. */
export async function writesOf(metrics: OperatorMetrics): Promise<number> {
  const metric = await metrics.apiWrites.get();
  return metric.values.reduce((sum, v) => sum + v.value, 0);
}
