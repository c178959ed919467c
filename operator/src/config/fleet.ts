import type { KubernetesObject, V1Secret } from '@kubernetes/client-node';
import { API_VERSION } from '@kubeflash/api';
import type { Device, DeviceClass, DeviceGroup, DevicesCluster } from '@kubeflash/api';
import { completeCredentials, credentialsComplete, type DeviceCredentials } from './credentials';
import { classEncrypts, renderDeviceConfig, type RenderOutcome } from './render';
import { configSecretName, credentialsFromSecretData, credentialsSecretName } from './secret';
import { SIGNING_KEY_SECRET, SIGNING_PUBLIC_KEY } from '../artifacts/signing';

/** The raw bytes of each key of a Secret manifest (`data` base64-decoded, `stringData` as UTF-8, the latter winning). */
export function secretBytes(secret: V1Secret): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(secret.data ?? {})) out[k] = new Uint8Array(Buffer.from(v, 'base64'));
  for (const [k, v] of Object.entries(secret.stringData ?? {})) out[k] = new TextEncoder().encode(v);
  return out;
}

/** Base64 `data` of a Secret manifest, with `stringData` folded in (what the API server would store). */
export function secretData(secret: V1Secret): Record<string, string> {
  const data = { ...(secret.data ?? {}) };
  for (const [k, v] of Object.entries(secret.stringData ?? {})) data[k] = Buffer.from(v, 'utf8').toString('base64');
  return data;
}

/** One device of a folder of manifests and its compiled config. */
export interface FleetDeviceResult {
  namespace: string;
  name: string;
  outcome: RenderOutcome;
  credentials: DeviceCredentials;
  /** True when credentials were generated here (no config Secret in the input held them). */
  generatedCredentials: boolean;
}

const ns = (o: KubernetesObject): string => o.metadata?.namespace ?? 'default';
const key = (namespace: string, name: string): string => `${namespace}/${name}`;

/**
 * Compiles every Device among `objects` (Devices, DeviceClasses, DevicesClusters, DeviceGroups and Secrets, as
 * read from YAML) exactly as the operator would. Generated credentials come from each device's credentials Secret
 * (or, as older operators kept them, its config Secret) when the input has it, otherwise they are generated;
 * ota_pubkey comes from the namespace's signing key Secret.
 */
export function renderFleet(objects: readonly KubernetesObject[]): FleetDeviceResult[] {
  const ours = (kind: string) => objects.filter((o) => o.kind === kind && o.apiVersion === API_VERSION);
  const devices = ours('Device') as Device[];
  const classes = new Map((ours('DeviceClass') as DeviceClass[]).map((c) => [key(ns(c), c.metadata.name ?? ''), c]));
  const clusters = new Map((ours('DevicesCluster') as DevicesCluster[]).map((c) => [key(ns(c), c.metadata.name ?? ''), c]));
  const groups = ours('DeviceGroup') as DeviceGroup[];
  const secrets = new Map(
    (objects.filter((o) => o.kind === 'Secret' && o.apiVersion === 'v1') as V1Secret[]).map((s) => [key(ns(s), s.metadata?.name ?? ''), s]),
  );
  return devices
    .map((device) => {
      const namespace = ns(device);
      const name = device.metadata.name ?? '';
      const deviceClass = classes.get(key(namespace, device.spec.deviceClassRef.name));
      const stored: Partial<DeviceCredentials> = {};
      for (const secretName of [configSecretName(name), credentialsSecretName(name)]) {
        const existing = secrets.get(key(namespace, secretName));
        if (existing) Object.assign(stored, credentialsFromSecretData(secretData(existing)));
      }
      const credentials = completeCredentials(stored, classEncrypts(deviceClass));
      const signingKey = secrets.get(key(namespace, SIGNING_KEY_SECRET));
      const otaPublicKey = signingKey ? secretBytes(signingKey)[SIGNING_PUBLIC_KEY] : undefined;
      const outcome = renderDeviceConfig({
        device,
        deviceClass,
        cluster: clusters.get(key(namespace, device.spec.devicesClusterRef.name)),
        groups: groups.filter((g) => ns(g) === namespace),
        secrets: (secretName) => {
          const s = secrets.get(key(namespace, secretName));
          return s ? secretBytes(s) : undefined;
        },
        credentials,
        ...(otaPublicKey ? { otaPublicKey } : {}),
      });
      const generatedCredentials = !credentialsComplete(stored, classEncrypts(deviceClass));
      return { namespace, name, outcome, credentials, generatedCredentials };
    })
    .sort((a, b) => (key(a.namespace, a.name) < key(b.namespace, b.name) ? -1 : 1));
}
