import { AccountManagement, DEFAULT_TOPIC_PREFIX } from '@kubeflash/api';
import KubeflashModel from '../plugins/kubeflash-class.js';

/** A new DevicesCluster as the create form starts it. */
export const DEFAULT_DEVICES_CLUSTER = {
  mqtt: {
    brokerUri: '', topicPrefix: DEFAULT_TOPIC_PREFIX, accountManagement: AccountManagement.None
  },
  artifacts: { publicBaseUrl: '' },
  config:    { values: {}, secretRefs: [] },
};

/** A site or fleet: MQTT and artifact settings, and the lowest config layer. */
export default class DevicesCluster extends KubeflashModel {
  static defaultSpec = DEFAULT_DEVICES_CLUSTER;
}
