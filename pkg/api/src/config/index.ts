// Config layering shared by the operator and the extension: label selectors, the layer order
// (cluster < class < groups by priority < device), and the generated keys. Browser-safe.
export * from './selector';
export * from './layers';
export * from './generated';
export * from './record';
