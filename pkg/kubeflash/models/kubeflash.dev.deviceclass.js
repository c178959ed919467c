import KubeflashModel from '../plugins/kubeflash-class.js';
import { KUBEFLASH } from '../types/kubeflash';

/** A new DeviceClass as the create form starts it. */
export const DEFAULT_DEVICE_CLASS = {
  chip:         'esp32',
  firmware:     { source: { git: { url: '', ref: 'main' } }, version: '' },
  configSchema: { namespace: 'config', keys: [], unknownKeys: 'Reject' },
  partitions:   { config: { label: 'config', size: 0x6000 } },
  config:       { values: {}, secretRefs: [] },
};

/** A board and firmware type. */
export default class DeviceClass extends KubeflashModel {
  applyDefaults() {
    if (!this.spec) {
      this.spec = JSON.parse(JSON.stringify(DEFAULT_DEVICE_CLASS));
    }
  }

  /** The Firmware builds of this class, newest first. */
  async firmwareBuilds() {
    const all = await this.kfAllInNamespace(KUBEFLASH.FIRMWARE);

    return all
      .filter((f) => f.spec?.deviceClassRef?.name === this.metadata.name)
      .sort((a, b) => (b.metadata?.creationTimestamp || '').localeCompare(a.metadata?.creationTimestamp || ''));
  }
}
