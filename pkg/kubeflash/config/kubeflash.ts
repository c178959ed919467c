import { IPlugin } from '@shell/core/types';
import { KUBEFLASH, KUBEFLASH_GROUP, KUBEFLASH_PRODUCT } from '../types/kubeflash';
import {
  DEVICE_CLASS_HEADERS, DEVICE_GROUP_HEADERS, DEVICE_HEADERS, DEVICES_CLUSTER_HEADERS, FIRMWARE_HEADERS, ROLLOUT_HEADERS,
} from './table-headers';

/** Nav order, top to bottom: what people use daily first, the fleet setup last. */
export const NAV_ORDER = [
  KUBEFLASH.DEVICE,
  KUBEFLASH.ROLLOUT,
  KUBEFLASH.FIRMWARE,
  KUBEFLASH.DEVICE_GROUP,
  KUBEFLASH.DEVICE_CLASS,
  KUBEFLASH.DEVICES_CLUSTER,
];

/** Product icon in the explorer's side nav (from @rancher/icons). */
export const PRODUCT_ICON = 'os-management';

/** Registers the "Devices" product in the cluster explorer: its kinds, their order and their list columns. */
export function init($plugin: IPlugin, store: unknown): void {
  const {
    product, basicType, weightType, configureType, headers,
  } = $plugin.DSL(store, KUBEFLASH_PRODUCT);

  product({
    inStore:             'cluster',
    icon:                PRODUCT_ICON,
    ifHaveGroup:         new RegExp(`^${ KUBEFLASH_GROUP.replace('.', '\\.') }$`),
    showNamespaceFilter: true,
  });

  basicType(NAV_ORDER);
  NAV_ORDER.forEach((type, i) => {
    weightType(type, NAV_ORDER.length - i, true);
    configureType(type, {
      isCreatable: true, isEditable: true, isRemovable: true, canYaml: true,
    });
  });

  headers(KUBEFLASH.DEVICE, DEVICE_HEADERS);
  headers(KUBEFLASH.DEVICE_CLASS, DEVICE_CLASS_HEADERS);
  headers(KUBEFLASH.DEVICE_GROUP, DEVICE_GROUP_HEADERS);
  headers(KUBEFLASH.DEVICES_CLUSTER, DEVICES_CLUSTER_HEADERS);
  headers(KUBEFLASH.FIRMWARE, FIRMWARE_HEADERS);
  headers(KUBEFLASH.ROLLOUT, ROLLOUT_HEADERS);
}
