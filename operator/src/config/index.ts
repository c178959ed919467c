// Device configuration output: NVS image and CSV, credentials, input hash, config Secret. The layering
// itself (selectors, layers, generated keys) lives in @kubeflash/api so the extension runs the same code.
export * from './csv';
export * from './credentials';
export * from './hash';
export * from './secret';
export * from './render';
export * from './fleet';
