// @kubeflash/operator: the manager (informers, work queues, leader election, health and metrics) and the
// controllers, started by `startOperator`.
export * from './manager/operator';
export * from './manager/informer';
export * from './manager/metrics';
export * from './manager/logger';
export * from './webhooks/index';
export { RolloutMetrics } from './controllers/rollout/metrics';
