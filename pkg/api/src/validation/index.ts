// Configuration rules shared by the operator, the admission webhook and the extension's forms.
// Browser-safe: no node: imports, no API client.
export * from './problems';
export * from './values';
export * from './config';
export * from './rollout';
