// The Grafana dashboard of the operator (Grafana JSON model, schemaVersion 39): fleet size, config renders and
// failures, work queue depth and wait, reconciles, API writes, leader and memory. Queries name only metrics
// the operator exports (checked by a test against operator/src/manager/metrics.ts).

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const SELECTOR = 'namespace="$namespace"';
const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

interface PanelSpec {
  title: string;
  type: 'stat' | 'timeseries';
  description: string;
  targets: { expr: string; legend?: string }[];
  unit?: string;
}

/** The panels, in reading order (stats on the first row, graphs two per row below). */
export const DASHBOARD_PANELS: readonly PanelSpec[] = [
  { title: 'Devices', type: 'stat', description: 'Devices the operator manages (fleet size).', targets: [{ expr: `sum(kubeflash_devices{${SELECTOR}})` }] },
  {
    title: 'Devices without a current config',
    type: 'stat',
    description: 'Devices whose ConfigReady condition is not True.',
    targets: [{ expr: `sum(kubeflash_devices{${SELECTOR},config_ready!="True"}) or vector(0)` }],
  },
  { title: 'Leader', type: 'stat', description: '1 while a replica holds the leader Lease.', targets: [{ expr: `max(kubeflash_leader{${SELECTOR}})` }] },
  {
    title: 'Config renders',
    type: 'timeseries',
    description: 'Config Secrets written, configs that cannot be rendered (invalid) and Secret writes refused (write_failed), per second.',
    unit: 'ops',
    targets: [{ expr: `sum by (result) (rate(kubeflash_config_renders_total{${SELECTOR}}[$__rate_interval]))`, legend: '{{result}}' }],
  },
  {
    title: 'Work queue depth',
    type: 'timeseries',
    description: 'Keys waiting per controller.',
    targets: [{ expr: `sum by (controller) (kubeflash_workqueue_depth{${SELECTOR}})`, legend: '{{controller}}' }],
  },
  {
    title: 'Work queue wait (p95)',
    type: 'timeseries',
    description: 'How long a key waits in the queue before its reconcile starts, 95th percentile.',
    unit: 's',
    targets: [
      {
        expr: `histogram_quantile(0.95, sum by (controller, le) (rate(kubeflash_workqueue_wait_seconds_bucket{${SELECTOR}}[$__rate_interval])))`,
        legend: '{{controller}}',
      },
    ],
  },
  {
    title: 'Reconciles',
    type: 'timeseries',
    description: 'Reconciles per second by controller and result.',
    unit: 'ops',
    targets: [{ expr: `sum by (controller, result) (rate(kubeflash_reconcile_total{${SELECTOR}}[$__rate_interval]))`, legend: '{{controller}} {{result}}' }],
  },
  {
    title: 'Reconcile duration (p95)',
    type: 'timeseries',
    description: '95th percentile of one reconcile, by controller.',
    unit: 's',
    targets: [
      {
        expr: `histogram_quantile(0.95, sum by (controller, le) (rate(kubeflash_reconcile_duration_seconds_bucket{${SELECTOR}}[$__rate_interval])))`,
        legend: '{{controller}}',
      },
    ],
  },
  {
    title: 'API writes',
    type: 'timeseries',
    description: 'Write requests to the Kubernetes API per second, by resource and verb.',
    unit: 'ops',
    targets: [{ expr: `sum by (resource, verb) (rate(kubeflash_api_writes_total{${SELECTOR}}[$__rate_interval]))`, legend: '{{resource}} {{verb}}' }],
  },
  {
    title: 'Operator memory',
    type: 'timeseries',
    description: 'Resident memory of each replica.',
    unit: 'bytes',
    targets: [{ expr: `kubeflash_process_resident_memory_bytes{${SELECTOR}}`, legend: '{{pod}}' }],
  },
  {
    title: 'Rollout devices by state',
    type: 'timeseries',
    description: 'Devices of each Rollout by update state (pending, inProgress, succeeded, failed, skipped).',
    targets: [{ expr: `sum by (rollout, state) (kubeflash_rollout_devices{${SELECTOR}})`, legend: '{{rollout}} {{state}}' }],
  },
  {
    title: 'Rollout failure rate',
    type: 'timeseries',
    description: 'Failed divided by finished devices of each Rollout; the alert fires above 10%.',
    unit: 'percentunit',
    targets: [{ expr: `max by (rollout) (kubeflash_rollout_failure_ratio{${SELECTOR}})`, legend: '{{rollout}}' }],
  },
  {
    title: 'Devices offline after their update',
    type: 'timeseries',
    description: 'Devices that installed a Rollout\'s version and are offline now.',
    targets: [{ expr: `sum by (rollout) (kubeflash_rollout_devices_offline_after_update{${SELECTOR}})`, legend: '{{rollout}}' }],
  },
  {
    title: 'OTA commands sent',
    type: 'timeseries',
    description: 'cmd/ota commands published per Rollout (one per attempt).',
    targets: [{ expr: `sum by (rollout) (rate(kubeflash_rollout_commands_total{${SELECTOR}}[$__rate_interval]))`, legend: '{{rollout}}' }],
  },
];

function panel(spec: PanelSpec, id: number, gridPos: { x: number; y: number; w: number; h: number }): Json {
  return {
    id,
    type: spec.type,
    title: spec.title,
    description: spec.description,
    datasource: DATASOURCE,
    gridPos,
    fieldConfig: { defaults: { unit: spec.unit ?? 'short' }, overrides: [] },
    options: spec.type === 'stat' ? { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'value' } : { legend: { displayMode: 'list', placement: 'bottom' } },
    targets: spec.targets.map((t, i) => ({ refId: String.fromCharCode(65 + i), datasource: DATASOURCE, expr: t.expr, legendFormat: t.legend ?? '__auto' })),
  };
}

/** The dashboard JSON model. */
export function operatorDashboard(): Json {
  const stats = DASHBOARD_PANELS.filter((p) => p.type === 'stat');
  const graphs = DASHBOARD_PANELS.filter((p) => p.type !== 'stat');
  const width = Math.floor(24 / stats.length);
  const panels = [
    ...stats.map((p, i) => panel(p, i + 1, { x: i * width, y: 0, w: width, h: 4 })),
    ...graphs.map((p, i) => panel(p, stats.length + i + 1, { x: (i % 2) * 12, y: 4 + Math.floor(i / 2) * 8, w: 12, h: 8 })),
  ];
  return {
    uid: 'kubeflash-operator',
    title: 'kubeflash / Operator',
    tags: ['kubeflash'],
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    templating: {
      list: [
        { name: 'datasource', type: 'datasource', query: 'prometheus', label: 'Data source', current: {} },
        {
          name: 'namespace',
          type: 'query',
          label: 'Operator namespace',
          datasource: DATASOURCE,
          query: { query: 'label_values(kubeflash_leader, namespace)', refId: 'namespace' },
          refresh: 2,
          current: {},
        },
      ],
    },
    panels,
  };
}
