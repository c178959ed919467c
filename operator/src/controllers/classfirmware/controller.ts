import { randomBytes } from 'node:crypto';
import { ApiException, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { API_VERSION, DeviceClassResource, FirmwareResource, GROUP, VERSION, type Firmware } from '@kubeflash/api';
import type { Logger } from '../../manager/logger';
import type { OperatorMetrics } from '../../manager/metrics';
import type { FleetCaches } from '../caches';
import { buildEvent } from '../events';
import { objectKey } from '../fleet-index';
import { KeyedController } from '../keyed-controller';
import type { ApiWriter } from '../writer';
import { CLASS_FIRMWARE_FIELD_MANAGER, desiredClassFirmware } from './desired';

/** Creates a Firmware (tests pass a recording one). */
export type FirmwareCreator = (firmware: Firmware) => Promise<void>;

/** The FirmwareCreator of a real cluster. */
export function kubeFirmwareCreator(kubeConfig: KubeConfig): FirmwareCreator {
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  return async (firmware) => {
    try {
      await custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: firmware.metadata.namespace ?? '', plural: FirmwareResource.plural, body: firmware });
    } catch (err) {
      if (!(err instanceof ApiException && err.code === 409)) throw err;
    }
  };
}

/**
 * From a class's spec.firmware.version to a Firmware: makes (or adopts) the Firmware of that class and version,
 * and keeps the class's status.firmware and FirmwareReady condition in step with it (its own field manager, so
 * the DeviceClass controller's status.devices is untouched).
 */
export class ClassFirmwareController extends KeyedController {
  constructor(options: { caches: FleetCaches; writer: ApiWriter; createFirmware: FirmwareCreator; metrics?: OperatorMetrics; logger?: Logger; now?: () => Date }) {
    const { caches, writer } = options;
    super(
      'classfirmware',
      async (key) => {
        const [namespace, name] = key.split('/');
        const deviceClass = caches.classes.get(namespace, name);
        if (!deviceClass || deviceClass.metadata.deletionTimestamp) return;
        const now = (options.now ?? (() => new Date()))();
        const decision = desiredClassFirmware(deviceClass, caches.firmwares.list(namespace), now);
        if (decision.create) await options.createFirmware(decision.create);
        if (decision.status) await writer.applyStatus(DeviceClassResource.kind, DeviceClassResource.plural, namespace, name, decision.status, CLASS_FIRMWARE_FIELD_MANAGER);
        const involved = { apiVersion: API_VERSION, kind: DeviceClassResource.kind, namespace, name, uid: deviceClass.metadata.uid, resourceVersion: deviceClass.metadata.resourceVersion };
        for (const intent of decision.events) await writer.createEvent(buildEvent(involved, intent, now, randomBytes(8).toString('hex')));
      },
      () => caches.classes.list().map((c) => objectKey(c.metadata.namespace, c.metadata.name)),
      { metrics: options.metrics, logger: options.logger },
    );
    const onClass = (c: { metadata: { namespace?: string; name?: string; generation?: number } }, old?: { metadata: { generation?: number } }) => {
      if (!old || old.metadata.generation !== c.metadata.generation) this.enqueue([objectKey(c.metadata.namespace, c.metadata.name)]);
    };
    caches.classes.on('add', (c) => onClass(c));
    caches.classes.on('update', (c, old) => onClass(c, old));
    const onFirmware = (f: Firmware) => this.enqueue([objectKey(f.metadata.namespace, f.spec.deviceClassRef.name)]);
    for (const verb of ['add', 'update', 'delete'] as const) caches.firmwares.on(verb, onFirmware);
  }
}
