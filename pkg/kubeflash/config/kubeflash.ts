import { IPlugin } from '@shell/core/types';
import { KUBEFLASH, KUBEFLASH_GROUP, KUBEFLASH_PRODUCT } from '../types/kubeflash';
import { HEADERS_BY_TYPE } from './table-headers';

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
    headers(type, HEADERS_BY_TYPE[type]);
  });
}
