import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { RunningBroker } from '@kubeflash/broker';
import type { SourcedManifest as Manifest } from '@kubeflash/operator/kube';

type Log = (line: string) => void;

/**
 * The broker's admin account: the one the example DevicesCluster's adminSecretRef names (so the operator
 * administers the dev broker with the example Secret), else one generated once and kept in the state folder.
 */
export async function brokerAdmin(examples: Manifest[], stateDir: string, log: Log): Promise<{ username: string; password: string }> {
  for (const m of examples) {
    const o = m.object as KubernetesObject & { spec?: { mqtt?: { adminSecretRef?: { name: string } } } };
    if (o.kind !== 'DevicesCluster' || !o.spec?.mqtt?.adminSecretRef) continue;
    const secret = examples.find((s) => s.object.kind === 'Secret' && s.object.metadata?.name === o.spec?.mqtt?.adminSecretRef?.name && s.object.metadata?.namespace === o.metadata?.namespace);
    const data = (secret?.object as { stringData?: Record<string, string> } | undefined)?.stringData;
    if (data?.username && data.password) return { username: data.username, password: data.password };
  }
  const file = join(stateDir, 'broker-admin.json');
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as { username: string; password: string };
  const admin = { username: 'kubeflash-admin', password: randomBytes(18).toString('base64url') };
  await mkdir(stateDir, { recursive: true });
  await writeFile(file, JSON.stringify(admin), { mode: 0o600 });
  log(`broker: admin account kubeflash-admin, its password is in ${file}`);
  return admin;
}

/** The example DevicesClusters moved to the dev broker: plain mqtt://127.0.0.1:<port>, no separate operator URI or CA. */
export function onDevBroker(examples: Manifest[], broker: RunningBroker | undefined): KubernetesObject[] {
  return examples.map((m) => {
    if (!broker || m.object.kind !== 'DevicesCluster') return m.object;
    const o = JSON.parse(JSON.stringify(m.object)) as KubernetesObject & { spec: { mqtt: Record<string, unknown> } };
    o.spec.mqtt.brokerUri = broker.url;
    delete o.spec.mqtt.operatorBrokerUri;
    delete o.spec.mqtt.caSecretRef;
    return o;
  });
}

/** Kept examples from an earlier run point at that run's broker port: moves them to this one. */
export async function moveClustersToBroker(kubeConfig: KubeConfig, objects: KubernetesObject[], broker: RunningBroker, log: Log): Promise<void> {
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  for (const o of objects.filter((x) => x.kind === 'DevicesCluster')) {
    const body = { spec: { mqtt: { brokerUri: broker.url, operatorBrokerUri: null, caSecretRef: null } } };
    await custom.patchNamespacedCustomObject(
      { group: 'kubeflash.dev', version: 'v1alpha1', plural: 'devicesclusters', namespace: o.metadata?.namespace ?? 'default', name: o.metadata?.name ?? '', body },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    log(`examples: DevicesCluster ${o.metadata?.namespace}/${o.metadata?.name} uses the dev broker ${broker.url}`);
  }
}
