import { Chip, DEFAULT_CONFIG_NAMESPACE, UnknownKeysPolicy } from '@kubeflash/api';
import KubeflashModel from '../plugins/kubeflash-class.js';
import { KUBEFLASH } from '../types/kubeflash';

/** A new DeviceClass as the create form starts it (0x6000 is the CRD's default config partition size). */
export const DEFAULT_DEVICE_CLASS = {
  chip:         Chip.ESP32,
  firmware:     { source: { git: { url: '', ref: 'main' } }, version: '' },
  configSchema: {
    namespace: DEFAULT_CONFIG_NAMESPACE, keys: [], unknownKeys: UnknownKeysPolicy.Reject
  },
  partitions: { config: { label: 'config', size: 0x6000 } },
  config:     { values: {}, secretRefs: [] },
};

/** A board and firmware type. */
export default class DeviceClass extends KubeflashModel {
  static defaultSpec = DEFAULT_DEVICE_CLASS;

  /** The Firmware builds of this class, newest first. */
  async firmwareBuilds() {
    const all = await this.kfAllInNamespace(KUBEFLASH.FIRMWARE);

    return all
      .filter((f) => f.spec?.deviceClassRef?.name === this.metadata.name)
      .sort((a, b) => (b.metadata?.creationTimestamp || '').localeCompare(a.metadata?.creationTimestamp || ''));
  }
}
