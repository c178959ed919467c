import { matchesLabelSelector } from '@kubeflash/api';
import KubeflashModel from '../plugins/kubeflash-class.js';
import { KUBEFLASH } from '../types/kubeflash';

/** A new DeviceGroup as the create form starts it. */
export const DEFAULT_DEVICE_GROUP = {
  selector: { matchLabels: {} }, priority: 0, config: { values: {}, secretRefs: [] }
};

/** A label-selected set of devices sharing config. */
export default class DeviceGroup extends KubeflashModel {
  static defaultSpec = DEFAULT_DEVICE_GROUP;

  /** Devices of this namespace the selector matches now. */
  async matchingDevices() {
    const devices = await this.kfAllInNamespace(KUBEFLASH.DEVICE);

    return devices.filter((d) => matchesLabelSelector(this.spec?.selector, d.metadata?.labels));
  }
}
