/**
 * Every metric the chart's dashboard and alert rules name is one the operator exports (operator/src/manager/
 * metrics.ts, including the process metrics under the kubeflash_ prefix), and the monitoring objects are
 * labelled the way Rancher Monitoring picks them up.
 */
import { ALERT_RULES, DASHBOARD_PANELS, installObjects, operatorDashboard, type PlainObject } from '@kubeflash/install';
import { OperatorMetrics, RolloutMetrics } from '@kubeflash/operator';

/** Series names a PromQL expression reads (histogram series map back to their metric). */
function metricNames(expr: string): string[] {
  const withoutStrings = expr.replace(/"[^"]*"/g, '""');
  const names = withoutStrings.match(/\b(kubeflash_[a-z0-9_]+|up)\b(?=\s*[{[)]|\s*$|\s*(==|<|>|\*|\/|\+|-|or|and))/g) ?? [];
  return [...new Set(names.map((n) => n.replace(/_(bucket|sum|count)$/, '')))];
}

async function exportedMetrics(): Promise<Set<string>> {
  const metrics = new OperatorMetrics();
  new RolloutMetrics(metrics.registry);
  return new Set(metrics.registry.getMetricsAsArray().map((m) => m.name));
}

const expressions = (): string[] => [
  ...DASHBOARD_PANELS.flatMap((p) => p.targets.map((t) => t.expr)),
  ...ALERT_RULES.map((r) => r.expr.parts.map((p) => (typeof p === 'string' ? p : 'kf-system')).join('')),
];

describe('monitoring', () => {
  it('names only metrics the operator exports (and Prometheus\'s up)', async () => {
    const exported = await exportedMetrics();
    const named = [...new Set(expressions().flatMap(metricNames))].sort();
    expect(named).toEqual(expect.arrayContaining(['kubeflash_rollout_failure_ratio', 'kubeflash_rollout_devices_offline_after_update', 'kubeflash_rollout_devices', 'kubeflash_devices', 'kubeflash_config_renders_total', 'kubeflash_workqueue_depth', 'kubeflash_workqueue_wait_seconds', 'kubeflash_api_writes_total', 'kubeflash_reconcile_total', 'up']));
    expect(named.filter((n) => n !== 'up' && !exported.has(n))).toEqual([]);
  });

  it('finds the metrics of every expression (the extractor is not blind)', () => {
    expect(metricNames('histogram_quantile(0.95, sum by (le) (rate(kubeflash_reconcile_duration_seconds_bucket{a="b"}[5m])))')).toEqual(['kubeflash_reconcile_duration_seconds']);
    expect(metricNames('absent(up{job="x"} == 1)')).toEqual(['up']);
    expect(metricNames('sum(kubeflash_nope{x="kubeflash_in_a_string"})')).toEqual(['kubeflash_nope']);
  });

  it('labels the dashboard for Rancher Monitoring and alerts on operator down, reconcile errors, rollout failures and devices offline after an update', () => {
    const objects = installObjects({
      namespace: 'kf-system',
      values: { monitoring: { serviceMonitor: { enabled: true }, prometheusRules: { enabled: true }, grafanaDashboard: { enabled: true } } },
    });
    const byKind = (kind: string) => objects.find((o) => o.kind === kind) as PlainObject;
    expect(byKind('ConfigMap')).toMatchObject({ metadata: { namespace: 'cattle-dashboards', labels: { grafana_dashboard: '1' } } });
    const dashboard = JSON.parse(Object.values((byKind('ConfigMap').data ?? {}) as Record<string, string>)[0]) as unknown;
    expect(dashboard).toEqual(JSON.parse(JSON.stringify(operatorDashboard())));
    const rules = ((byKind('PrometheusRule').spec as { groups: { rules: { alert: string; expr: string }[] }[] }).groups[0].rules);
    expect(rules.map((r) => r.alert)).toEqual(['KubeflashOperatorDown', 'KubeflashOperatorNoLeader', 'KubeflashReconcileErrors', 'KubeflashRolloutFailureRate', 'KubeflashDevicesOfflineAfterUpdate']);
    expect(rules[0].expr).toBe('absent(up{job="kubeflash-operator",namespace="kf-system"} == 1)');
    expect(byKind('ServiceMonitor')).toMatchObject({ spec: { endpoints: [{ port: 'http-metrics', path: '/metrics' }] } });
    const defaults = installObjects({ namespace: 'kf-system' });
    expect(defaults.filter((o) => ['ServiceMonitor', 'PrometheusRule', 'ConfigMap'].includes(String(o.kind)))).toEqual([]);
  });
});
