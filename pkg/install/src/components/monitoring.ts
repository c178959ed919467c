// Monitoring: a ServiceMonitor for the operator's /metrics, PrometheusRules (operator down, no leader, reconcile
// errors) and a Grafana dashboard ConfigMap labelled the way Rancher Monitoring picks dashboards up
// (namespace cattle-dashboards, label grafana_dashboard: "1"). All off by default (they need the
// Prometheus Operator CRDs / Rancher Monitoring). Every metric named here exists in the operator (a test).
import { Type } from '@sinclair/typebox';
import { METRICS_PORT_NAME, OPERATOR_COMPONENT, OPERATOR_NAME } from '../names';
import { format, isSet, mergeMap, releaseNamespace, v } from '../template/expr';
import type { Document } from '../template/expr';
import type { Component } from './component';
import { operatorDashboard } from './dashboard';
import { labels, selectorLabels } from './labels';

const monitoringValues = Type.Object(
  {
    serviceMonitor: Type.Object(
      {
        enabled: Type.Boolean({ description: 'Create a ServiceMonitor (monitoring.coreos.com/v1) for the operator\'s /metrics.', default: false }),
        interval: Type.String({ description: 'Scrape interval.', default: '30s', pattern: '^[0-9]+(ms|s|m|h)$' }),
        labels: Type.Record(Type.String(), Type.String(), { description: 'Extra labels (to match a Prometheus serviceMonitorSelector).', default: {} }),
      },
      { description: 'Prometheus scraping.', additionalProperties: false },
    ),
    prometheusRules: Type.Object(
      {
        enabled: Type.Boolean({ description: 'Create PrometheusRules: operator down, no leader, reconcile errors.', default: false }),
        labels: Type.Record(Type.String(), Type.String(), { description: 'Extra labels (to match a Prometheus ruleSelector).', default: {} }),
      },
      { description: 'Alerts.', additionalProperties: false },
    ),
    grafanaDashboard: Type.Object(
      {
        enabled: Type.Boolean({ description: 'Create the Grafana dashboard ConfigMap (label grafana_dashboard: "1").', default: false }),
        namespace: Type.String({ description: 'Namespace Grafana loads dashboards from (Rancher Monitoring: cattle-dashboards).', default: 'cattle-dashboards', minLength: 1 }),
      },
      { description: 'Grafana dashboard.', additionalProperties: false },
    ),
  },
  { description: 'Prometheus and Grafana integration (Rancher Monitoring or kube-prometheus-stack).', additionalProperties: false },
);

/** The job label Prometheus gives the operator's targets (the Service name, as ServiceMonitors do by default). */
export const SCRAPE_JOB = OPERATOR_NAME;

const ns = releaseNamespace();

/** The alert rules (expressions name only metrics the operator exports, plus `up`). */
export const ALERT_RULES = [
  {
    alert: 'KubeflashOperatorDown',
    // `absent` also fires when Prometheus has never seen a target.
    expr: format`absent(up{job="${SCRAPE_JOB}",namespace="${ns}"} == 1)`,
    for: '5m',
    labels: { severity: 'critical' },
    annotations: {
      summary: 'No kubeflash operator replica is up.',
      description: 'Prometheus has scraped no kubeflash operator for 5 minutes: configs are not rendered and, with failurePolicy Fail, kubeflash objects cannot be created or changed.',
    },
  },
  {
    alert: 'KubeflashOperatorNoLeader',
    expr: format`max(kubeflash_leader{job="${SCRAPE_JOB}",namespace="${ns}"}) < 1`,
    for: '5m',
    labels: { severity: 'critical' },
    annotations: {
      summary: 'kubeflash operator replicas run but none holds the leader Lease.',
      description: 'No replica has led for 5 minutes: nothing is reconciled. Check the Lease kubeflash-operator and the operator logs.',
    },
  },
  {
    alert: 'KubeflashReconcileErrors',
    expr: format`sum by (controller) (rate(kubeflash_reconcile_total{result="error",job="${SCRAPE_JOB}",namespace="${ns}"}[5m])) > 0`,
    for: '15m',
    labels: { severity: 'warning' },
    annotations: {
      summary: 'The {{ $labels.controller }} controller keeps failing.',
      description: 'Reconciles of the {{ $labels.controller }} controller have failed for 15 minutes. The operator log lists each failure with its key and cause.',
    },
  },
  {
    alert: 'KubeflashRolloutFailureRate',
    // The metric's own namespace label is the Rollout's (exported_namespace when Prometheus keeps the target's).
    expr: format`max by (exported_namespace, namespace, rollout) (kubeflash_rollout_failure_ratio{job="${SCRAPE_JOB}",namespace="${ns}"}) > 0.1`,
    for: '5m',
    labels: { severity: 'warning' },
    annotations: {
      summary: 'Rollout {{ $labels.rollout }} has a high failure rate.',
      description: 'More than 10% of the finished devices of Rollout {{ $labels.rollout }} failed (ratio {{ $value }}). Its abort criteria stop it at their threshold; kubectl describe rollout shows the failing devices.',
    },
  },
  {
    alert: 'KubeflashDevicesOfflineAfterUpdate',
    expr: format`max by (exported_namespace, namespace, rollout) (kubeflash_rollout_devices_offline_after_update{job="${SCRAPE_JOB}",namespace="${ns}"}) > 0`,
    for: '10m',
    labels: { severity: 'warning' },
    annotations: {
      summary: 'Devices of Rollout {{ $labels.rollout }} are offline after their update.',
      description: '{{ $value }} device(s) installed the version of Rollout {{ $labels.rollout }} and have been offline for 10 minutes: the new firmware may not reach the broker. They fail as offline when deviceTimeoutSeconds passes.',
    },
  },
];

/** ServiceMonitor, PrometheusRule and the dashboard ConfigMap. */
export const monitoringComponent: Component = {
  name: 'monitoring',
  title: 'Monitoring: ServiceMonitor, PrometheusRules and the Grafana dashboard (all optional).',
  values: { monitoring: monitoringValues },
  documents: (): Document[] => [
    {
      when: isSet('monitoring.serviceMonitor.enabled'),
      object: {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        metadata: { name: OPERATOR_NAME, namespace: ns, labels: mergeMap(labels(OPERATOR_COMPONENT), 'monitoring.serviceMonitor.labels') },
        spec: {
          selector: { matchLabels: selectorLabels(OPERATOR_COMPONENT) },
          namespaceSelector: { matchNames: [ns] },
          endpoints: [{ port: METRICS_PORT_NAME, path: '/metrics', interval: v('monitoring.serviceMonitor.interval') }],
        },
      },
    },
    {
      when: isSet('monitoring.prometheusRules.enabled'),
      object: {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PrometheusRule',
        metadata: { name: OPERATOR_NAME, namespace: ns, labels: mergeMap(labels(OPERATOR_COMPONENT), 'monitoring.prometheusRules.labels') },
        spec: { groups: [{ name: 'kubeflash-operator', rules: ALERT_RULES.map((r) => ({ ...r })) }] },
      },
    },
    {
      when: isSet('monitoring.grafanaDashboard.enabled'),
      object: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'kubeflash-dashboard', namespace: v('monitoring.grafanaDashboard.namespace'), labels: { ...labels(OPERATOR_COMPONENT), grafana_dashboard: '1' } },
        data: { 'kubeflash-operator.json': `${JSON.stringify(operatorDashboard(), null, 2)}\n` },
      },
    },
  ],
};
