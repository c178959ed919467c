// Rollout rules shared by the operator and the extension's preview: defaults, targets, waves.
export * from './defaults';
export * from './plan';
export * from './targets';
export * from './skip';
