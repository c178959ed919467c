/** Name of the "Devices" product in the cluster explorer. */
export const KUBEFLASH_PRODUCT = 'kubeflash';

/** API group of every kubeflash kind. */
export const KUBEFLASH_GROUP = 'kubeflash.dev';

/** Steve type ids of the kubeflash kinds; files in models/, list/, edit/ and detail/ are named by these. */
export const KUBEFLASH = {
  DEVICES_CLUSTER: 'kubeflash.dev.devicescluster',
  DEVICE_CLASS:    'kubeflash.dev.deviceclass',
  DEVICE_GROUP:    'kubeflash.dev.devicegroup',
  DEVICE:          'kubeflash.dev.device',
  FIRMWARE:        'kubeflash.dev.firmware',
  ROLLOUT:         'kubeflash.dev.rollout',
} as const;

/** One of the kubeflash type ids. */
export type KubeflashType = (typeof KUBEFLASH)[keyof typeof KUBEFLASH];

/** Core Kubernetes types the pages read. */
export const CORE = {
  SECRET: 'secret',
  EVENT:  'event',
  POD:    'pod',
} as const;
