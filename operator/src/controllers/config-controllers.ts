import type { KubeConfig } from '@kubernetes/client-node';
import { DeviceConditionType } from '@kubeflash/api';
import { findCondition } from './conditions';
import { withConnectionReuse } from '../manager/connections';
import type { Logger } from '../manager/logger';
import type { OperatorMetrics } from '../manager/metrics';
import { createFleetCaches, createRoleBindingCache, type FleetCaches, type WatchedNamespaces } from './caches';
import { DeviceAccessController, kubeRoleApi, type RoleApi } from './deviceaccess/controller';
import { DeviceController } from './device/controller';
import { DeviceClassController } from './deviceclass/controller';
import { DeviceGroupController } from './devicegroup/controller';
import { DevicesClusterController } from './devicescluster/controller';
import { SigningKeyController } from './signingkey/controller';
import { ClassFirmwareController, kubeFirmwareCreator, type FirmwareCreator } from './classfirmware/controller';
import { removeOrphanAccounts } from './devicescluster/converge';
import { ReportedStatusController } from './reported/controller';
import { BrokerManager } from '../mqtt/manager';
import type { ProtocolMessage } from '@kubeflash/protocol';
import { wireFleetIndex } from './fleet-events';
import { FleetIndex } from './fleet-index';
import { kubeApiWriter, type ApiWriter } from './writer';
import { RolloutController, secretUrlKey } from './rollout/controller';

/** Options of the config controllers. */
export interface ConfigControllersOptions {
  kubeConfig: KubeConfig;
  metrics?: OperatorMetrics;
  /** Defaults to the real API; tests pass a recording one. */
  writer?: ApiWriter;
  /** Creates the Firmware of a class's version (defaults to the real API). */
  createFirmware?: FirmwareCreator;
  /** Concurrent Device reconciles (default 8). */
  deviceConcurrency?: number;
  /** Watch only this namespace, or these namespaces (default: all namespaces). */
  namespace?: WatchedNamespaces;
  /** Full resync period; 0 disables it (default 10 minutes). */
  resyncPeriodMs?: number;
  /** At most one heartbeat-only status write per device per this interval (default 60 s). */
  statusWriteIntervalMs?: number;
  /** Connect to the DevicesClusters' brokers (accounts, ingest); default true. */
  brokers?: boolean;
  /** The Role API of the device config access controller (defaults to the real API). */
  roleApi?: RoleApi;
  /** Every valid device message (also given to the rollout controller). */
  onDeviceMessage?: (key: string, message: ProtocolMessage) => void;
  /** Namespace of the artifact service's URL-signing key Secret (OTA URLs are signed per device with it). */
  urlKeyNamespace?: string;
  logger?: Logger;
}

/** Devices in the caches by the status of their ConfigReady condition (True, False, Unknown). */
export function fleetByConfigReady(caches: Pick<FleetCaches, 'devices'>): Record<string, number> {
  const counts: Record<string, number> = { True: 0, False: 0, Unknown: 0 };
  for (const device of caches.devices.list()) {
    const status = findCondition(device.status?.conditions, DeviceConditionType.ConfigReady)?.status ?? 'Unknown';
    counts[status] = (counts[status] ?? 0) + 1;
  }
  return counts;
}

/** The running config controllers and their shared caches. */
export interface ConfigControllers {
  caches: FleetCaches;
  index: FleetIndex;
  device: DeviceController;
  group: DeviceGroupController;
  deviceClass: DeviceClassController;
  cluster: DevicesClusterController;
  signingKey: SigningKeyController;
  classFirmware: ClassFirmwareController;
  /** Device managers' read access to the config Secrets. */
  deviceAccess: DeviceAccessController;
  /** Device reports: ingest, coalesced status writes, telemetry metrics, dead letters. */
  reported: ReportedStatusController;
  /** Rollouts: waves, cmd/ota, health gate, abort criteria. */
  rollout: RolloutController;
  /** The broker sessions, one per DevicesCluster (undefined when brokers are off). */
  brokers?: BrokerManager;
  /** Queues every object again (converged objects cause no writes). */
  resync(): void;
  /** Resolves when no controller has work queued or running. */
  whenIdle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the Device, DeviceGroup, DeviceClass and DevicesCluster controllers and the reported-status writer: one
 * set of informers, one FleetIndex mapping changes to exactly the affected objects, a work queue per controller,
 * and one broker session per DevicesCluster (accounts and ingest). Resolves once the caches synced and every
 * object is queued.
 */
export async function startConfigControllers(options: ConfigControllersOptions): Promise<ConfigControllers> {
  const metrics = options.metrics;
  const kubeConfig = withConnectionReuse(options.kubeConfig);
  const writer = options.writer ?? kubeApiWriter(kubeConfig, (resource, verb) => metrics?.apiWrites.inc({ resource, verb }));
  const caches = createFleetCaches(kubeConfig, options.logger, options.namespace);
  const index = new FleetIndex();
  const lateRollout: { controller?: RolloutController } = {};
  const onMessage = (key: string, message: ProtocolMessage): void => {
    lateRollout.controller?.onDeviceMessage(key, message);
    options.onDeviceMessage?.(key, message);
  };
  const reported = new ReportedStatusController({ caches, writer, metrics, statusWriteIntervalMs: options.statusWriteIntervalMs, logger: options.logger, onMessage });
  // The sessions' hooks call controllers that need the sessions to be made: bind them after both exist.
  const late: { cluster?: DevicesClusterController; device?: DeviceController } = {};
  const devicesOfCluster = (key: string): string[] => {
    const slash = key.indexOf('/');
    return [...index.devicesOfCluster(key.slice(0, slash), key.slice(slash + 1))];
  };
  const brokers = options.brokers === false ? undefined : new BrokerManager({
    onReport: (key, topic, payload, retained) => reported.ingest.handle(key, topic, payload, retained),
    onStatus: (key) => late.cluster?.sessionChanged(key),
    onAccountsLoaded: (key) => {
      const session = brokers?.session(key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1));
      const devices = devicesOfCluster(key).map((k) => ({ namespace: k.slice(0, k.indexOf('/')), name: k.slice(k.indexOf('/') + 1) }));
      if (session) {
        void removeOrphanAccounts(session, devices, options.logger)
          .catch((err: unknown) => options.logger?.error('cannot remove orphaned broker accounts', { cluster: key, error: err instanceof Error ? err.message : String(err) }))
          .finally(() => late.device?.devicesAffected(devicesOfCluster(key)));
      }
    },
    logger: options.logger,
  });
  const device = new DeviceController({ caches, writer, brokers, metrics, concurrency: options.deviceConcurrency, logger: options.logger });
  const group = new DeviceGroupController({ caches, index, writer, metrics, logger: options.logger });
  const deviceClass = new DeviceClassController({ caches, index, writer, metrics, logger: options.logger });
  const cluster = new DevicesClusterController({ caches, index, writer, brokers, metrics, logger: options.logger });
  late.cluster = cluster;
  late.device = device;
  const signingKey = new SigningKeyController({ caches, writer, metrics, logger: options.logger });
  const classFirmware = new ClassFirmwareController({ caches, writer, createFirmware: options.createFirmware ?? kubeFirmwareCreator(kubeConfig), metrics, logger: options.logger });
  const rollout = new RolloutController({
    caches,
    writer,
    brokers,
    reportOf: (key) => reported.ingest.report(key),
    ...(options.urlKeyNamespace ? { urlKey: secretUrlKey(kubeConfig, options.urlKeyNamespace, options.logger) } : {}),
    metrics,
    logger: options.logger,
  });
  lateRollout.controller = rollout;
  const roleBindings = createRoleBindingCache(kubeConfig, options.logger, options.namespace);
  const deviceAccess = new DeviceAccessController({ caches, bindings: roleBindings, api: options.roleApi ?? kubeRoleApi(kubeConfig, metrics), metrics, logger: options.logger });
  const controllers = [device, group, deviceClass, cluster, reported, signingKey, classFirmware, deviceAccess, rollout];
  wireFleetIndex(caches, index, [device, group, deviceClass, cluster, reported, signingKey]);
  await Promise.all([caches.start(), roleBindings.start()]);
  for (const c of controllers) c.start();
  metrics?.setFleetSource(() => fleetByConfigReady(caches));
  const period = options.resyncPeriodMs ?? 10 * 60_000;
  const timer = period > 0 ? setInterval(() => controllers.forEach((c) => c.resync()), period) : undefined;
  timer?.unref();
  return {
    caches,
    index,
    device,
    group,
    deviceClass,
    cluster,
    signingKey,
    classFirmware,
    deviceAccess,
    reported,
    rollout,
    brokers,
    resync: () => controllers.forEach((c) => c.resync()),
    whenIdle: async () => {
      // A reconcile of one controller can queue work for another: wait until all are idle together.
      for (let i = 0; i < 3; i++) await Promise.all(controllers.map((c) => c.whenIdle()));
    },
    stop: async () => {
      metrics?.setFleetSource(undefined);
      if (timer) clearInterval(timer);
      await Promise.all(controllers.map((c) => c.stop()));
      await brokers?.stop();
      await Promise.all([caches.stop(), roleBindings.stop()]);
    },
  };
}
