import type { KubeConfig } from '@kubernetes/client-node';
import { VirtualDevice, type Faults } from '@kubeflash/virtual-device';
import { readDeviceImage } from './fleet';

/** What to simulate. */
export interface SimulationOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  /** Device names; each gets one virtual device booted from its config.bin. */
  names: string[];
  /** Connect here instead of each config's mqtt_uri. */
  brokerUrl?: string;
  protocolVersion?: 4 | 5 | 'auto';
  heartbeatMs?: number;
  faults?: Faults;
  /** How long to wait for a Device's config Secret (the operator writes it). Default 60 s. */
  waitForConfigMs?: number;
  /** Devices booting at the same time (default 50). */
  concurrency?: number;
  log: (line: string) => void;
}

/** Running virtual devices. */
export interface Simulation {
  devices: VirtualDevice[];
  stop(): Promise<void>;
}

async function waitForImage(o: SimulationOptions, name: string): Promise<NonNullable<Awaited<ReturnType<typeof readDeviceImage>>>> {
  const deadline = Date.now() + (o.waitForConfigMs ?? 60_000);
  for (;;) {
    const image = await readDeviceImage(o.kubeConfig, o.namespace, name);
    if (image) return image;
    if (Date.now() > deadline) throw new Error(`Device ${o.namespace}/${name} has no config.bin in Secret ${name}-config yet (is the operator running?)`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Boots one virtual device per Device from the config.bin the operator wrote for it (the credentials, topic root
 * and CA are the ones a flashed board would have), connects them to their broker and keeps them running until
 * `stop()`. A device the broker refuses keeps retrying, as a board would.
 */
export async function startSimulation(o: SimulationOptions): Promise<Simulation> {
  const devices: VirtualDevice[] = [];
  let stopped = false;
  const queue = [...o.names];
  const boot = async (): Promise<void> => {
    for (let name = queue.shift(); name !== undefined && !stopped; name = queue.shift()) {
      const image = await waitForImage(o, name);
      const device = new VirtualDevice({
        ...image.options,
        ...(o.brokerUrl ? { brokerUrl: o.brokerUrl } : {}),
        ...(o.protocolVersion ? { protocolVersion: o.protocolVersion } : {}),
        ...(o.heartbeatMs ? { heartbeatMs: o.heartbeatMs } : {}),
        ...(o.faults ? { faults: o.faults } : {}),
      });
      device.on('online', () => o.log(`${o.namespace}/${name}: online as ${device.id} via ${device.brokerUrl} (MQTT ${device.protocolVersion === 5 ? '5' : '3.1.1'})`));
      device.on('offline', (why: string) => o.log(`${o.namespace}/${name}: offline (${why})`));
      device.on('reboot', (reason: string) => o.log(`${o.namespace}/${name}: rebooting (reset reason ${reason})`));
      device.on('error', (err: unknown) => o.log(`${o.namespace}/${name}: ${err instanceof Error ? err.message : String(err)}`));
      devices.push(device);
      await device.start().catch((err: unknown) => o.log(`${o.namespace}/${name}: ${err instanceof Error ? err.message : String(err)}; retrying`));
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency ?? 50, o.names.length) }, boot));
  return {
    devices,
    stop: async () => {
      stopped = true;
      await Promise.all(devices.map((d) => d.stop({ clean: false })));
    },
  };
}
