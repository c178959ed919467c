import KubeflashModel from '../plugins/kubeflash-class.js';

/** A new DevicesCluster as the create form starts it. */
export const DEFAULT_DEVICES_CLUSTER = {
  mqtt:      { brokerUri: '', topicPrefix: 'kubeflash', accountManagement: 'none' },
  artifacts: { publicBaseUrl: '' },
  config:    { values: {}, secretRefs: [] },
};

/** A site or fleet: MQTT and artifact settings, and the lowest config layer. */
export default class DevicesCluster extends KubeflashModel {
  applyDefaults() {
    if (!this.spec) {
      this.spec = JSON.parse(JSON.stringify(DEFAULT_DEVICES_CLUSTER));
    }
  }
}
