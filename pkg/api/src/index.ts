// @kubeflash/api: the kubeflash.dev/v1alpha1 kinds (schemas, static types, constants), the config
// validation rules and the config layering. Browser-safe: no node: imports, no API client.
export * from './v1alpha1/index';
export * from './validation/index';
export * from './config/index';
export * from './rollout/index';
