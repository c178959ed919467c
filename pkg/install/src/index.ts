// @kubeflash/install: every object that installs kubeflash, from one source. `npm run generate` writes the Helm
// chart from it (src/chart/); `kubeflash manifests` and `kubeflash dev` render it as plain objects.
export * from './names';
export * from './install';
export * from './values';
export { INSTALL_VERSION } from './version';
export { COMPONENTS, PARTS } from './components/index';
export { USER_ROLES } from './components/user-roles';
export { ALERT_RULES, SCRAPE_JOB } from './components/monitoring';
export { DASHBOARD_PANELS, operatorDashboard } from './components/dashboard';
export type { Component, OperatorGrant, PolicyRule, RenderOptions, WebhookClient } from './components/component';
export { GrantScope } from './components/component';
export type { Json, PlainObject } from './template/plain';
export { InvalidValuesError } from './template/values-schema';
