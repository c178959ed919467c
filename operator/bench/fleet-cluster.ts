/**
 * Benchmark helper, run as a child process: starts devcluster, installs the CRDs and seeds a fleet of
 * N Devices across G groups (one wifi Secret per group), then prints `READY <kubeconfig>` and serves until killed.
 * Usage: tsx operator/bench/fleet-cluster.ts <devices> <groups> <workdir>
 */
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { startDevCluster } from '@kubeflash/devcluster';
import { ensureObjects, waitForCrdsEstablished } from '../src/kube/apply';
import { readManifestDir } from '../src/kube/manifests';
import { crdDir } from '../src/paths';
import { inParallel } from './bench-support';

const [devices, groups] = [Number(process.argv[2] ?? 10000), Number(process.argv[3] ?? 20)];
const workDir = process.argv[4] ?? '/tmp';
const NS = 'bench';

async function main(): Promise<void> {
  const cluster = await startDevCluster({ port: 0, watchHistory: 200_000 });
  const kubeconfigPath = join(workDir, 'kubeconfig');
  await cluster.writeKubeconfig(kubeconfigPath);
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const crds = (await readManifestDir(crdDir)).map((m) => m.object);
  await ensureObjects(kc, crds, 'create-or-replace');
  await waitForCrdsEstablished(kc, crds.map((c) => c.metadata?.name ?? ''));
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const create = (plural: string, body: object) => custom.createNamespacedCustomObject({ group: 'kubeflash.dev', version: 'v1alpha1', namespace: NS, plural, body });
  await core.createNamespace({ body: { metadata: { name: NS } } });
  await create('devicesclusters', {
    apiVersion: 'kubeflash.dev/v1alpha1', kind: 'DevicesCluster', metadata: { name: 'site' },
    spec: { mqtt: { brokerUri: 'mqtts://mqtt.example.net:8883', topicPrefix: 'bench' }, config: { values: { tz: 'UTC0' } } },
  });
  await create('deviceclasses', {
    apiVersion: 'kubeflash.dev/v1alpha1', kind: 'DeviceClass', metadata: { name: 'sensor' },
    spec: {
      chip: 'esp32c3',
      configSchema: {
        keys: [
          { name: 'wifi_ssid', type: 'string', required: true, maxLength: 32 },
          { name: 'wifi_pass', type: 'string', required: true, secret: true, maxLength: 63 },
          { name: 'tz', type: 'string', default: 'UTC0' },
          { name: 'sample_period', type: 'u16', default: '60', min: 5, max: 3600 },
          { name: 'led_enabled', type: 'bool', default: 'true' },
        ],
      },
    },
  });
  for (let g = 0; g < groups; g++) {
    await core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: `wifi-${g}` }, stringData: { wifi_ssid: `net-${g}`, wifi_pass: `pass-${g}-0` } } });
    await create('devicegroups', {
      apiVersion: 'kubeflash.dev/v1alpha1', kind: 'DeviceGroup', metadata: { name: `group-${g}` },
      spec: { selector: { matchLabels: { group: `g${g}` } }, priority: g, config: { values: { sample_period: String(30 + g) }, secretRefs: [{ name: `wifi-${g}` }] } },
    });
  }
  const started = Date.now();
  await inParallel(Array.from({ length: devices }, (_, i) => i), 32, (i) =>
    create('devices', {
      apiVersion: 'kubeflash.dev/v1alpha1', kind: 'Device', metadata: { name: `dev-${i}`, labels: { group: `g${i % groups}` } },
      spec: { deviceClassRef: { name: 'sensor' }, devicesClusterRef: { name: 'site' }, config: { values: { led_enabled: i % 2 ? 'true' : 'false' } } },
    }),
  );
  process.stdout.write(`SEEDED ${devices} devices in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  process.stdout.write(`READY ${kubeconfigPath}\n`);
  process.on('SIGTERM', () => void cluster.stop().then(() => process.exit(0)));
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
