// Device configuration: layering, typed schema, generated keys, NVS image and CSV, input hash. No API client.
export * from './selector';
export * from './layers';
export * from './csv';
export * from './credentials';
export * from './generated';
export * from './hash';
export * from './secret';
export * from './render';
export * from './fleet';
