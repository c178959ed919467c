/**
 * The default RBAC policy a kube-apiserver bootstraps (the roles of the Kubernetes RBAC
 * documentation, "Default roles and role bindings"), for the API groups devcluster serves:
 * cluster-admin, the aggregated admin/edit/view roles with their system:aggregate-to-* parts,
 * system:discovery, system:basic-user, system:public-info-viewer and their bindings, and the
 * ClusterRole aggregation controller.
 */
import type { Api } from '../api';
import { matchesLabelSelectorObject } from '../selectors';
import type { KObject } from '../store';
import type { PolicyRule } from './rbac';

const RBAC = 'rbac.authorization.k8s.io';
const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const BOOTSTRAP_LABELS = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
const AUTOUPDATE = { 'rbac.authorization.kubernetes.io/autoupdate': 'true' };

const rule = (verbs: string[], apiGroups: string[], resources: string[]): PolicyRule => ({ verbs, apiGroups, resources });
const urls = (verbs: string[], nonResourceURLs: string[]): PolicyRule => ({ verbs, nonResourceURLs });

const aggregateLabel = (to: string) => ({ [`rbac.authorization.k8s.io/aggregate-to-${to}`]: 'true' });

interface RoleSpec {
  name: string;
  rules: PolicyRule[];
  labels?: Record<string, string>;
  aggregateFrom?: string[];
}

const VIEW_RULES: PolicyRule[] = [
  rule(READ, [''], ['configmaps', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status']),
  rule(READ, [''], ['bindings', 'events', 'limitranges', 'namespaces/status', 'pods/log', 'pods/status', 'replicationcontrollers/status', 'resourcequotas', 'resourcequotas/status']),
  rule(READ, [''], ['namespaces']),
  rule(READ, ['discovery.k8s.io'], ['endpointslices']),
  rule(READ, ['apps'], ['controllerrevisions', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'statefulsets', 'statefulsets/scale', 'statefulsets/status']),
  rule(READ, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
  rule(READ, ['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status']),
  rule(READ, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
  rule(READ, ['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies']),
];

const EDIT_RULES: PolicyRule[] = [
  rule(['create'], [''], ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy']),
  rule(['get'], [''], ['services/proxy']),
  rule(['impersonate'], [''], ['serviceaccounts']),
  rule(WRITE, [''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy']),
  rule(['create'], [''], ['pods/eviction']),
  rule(WRITE, [''], ['configmaps', 'events', 'persistentvolumeclaims', 'replicationcontrollers', 'replicationcontrollers/scale', 'secrets', 'serviceaccounts', 'services', 'services/proxy']),
  rule(['create'], [''], ['serviceaccounts/token']),
  rule(WRITE, ['apps'], ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale']),
  rule(WRITE, ['autoscaling'], ['horizontalpodautoscalers']),
  rule(WRITE, ['batch'], ['cronjobs', 'jobs']),
  rule(WRITE, ['policy'], ['poddisruptionbudgets']),
  rule(WRITE, ['networking.k8s.io'], ['ingresses', 'networkpolicies']),
  rule(READ, ['coordination.k8s.io'], ['leases']),
  rule(WRITE, ['coordination.k8s.io'], ['leases']),
];

const ADMIN_RULES: PolicyRule[] = [rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']), rule([...WRITE, ...READ], [RBAC], ['rolebindings', 'roles'])];

const CLUSTER_ROLES: RoleSpec[] = [
  { name: 'cluster-admin', rules: [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])] },
  { name: 'admin', rules: [], aggregateFrom: ['admin'] },
  { name: 'edit', rules: [], aggregateFrom: ['edit'], labels: aggregateLabel('admin') },
  { name: 'view', rules: [], aggregateFrom: ['view'], labels: { ...aggregateLabel('edit') } },
  { name: 'system:aggregate-to-admin', rules: ADMIN_RULES, labels: aggregateLabel('admin') },
  { name: 'system:aggregate-to-edit', rules: EDIT_RULES, labels: aggregateLabel('edit') },
  { name: 'system:aggregate-to-view', rules: VIEW_RULES, labels: aggregateLabel('view') },
  { name: 'system:discovery', rules: [urls(['get'], ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'])] },
  {
    name: 'system:basic-user',
    rules: [rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']), rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews'])],
  },
  { name: 'system:public-info-viewer', rules: [urls(['get'], ['/healthz', '/livez', '/readyz', '/version', '/version/'])] },
  { name: 'system:auth-delegator', rules: [rule(['create'], ['authentication.k8s.io'], ['tokenreviews']), rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews'])] },
];

const CLUSTER_ROLE_BINDINGS: { name: string; role: string; groups: string[] }[] = [
  { name: 'cluster-admin', role: 'cluster-admin', groups: ['system:masters'] },
  { name: 'system:discovery', role: 'system:discovery', groups: ['system:authenticated'] },
  { name: 'system:basic-user', role: 'system:basic-user', groups: ['system:authenticated'] },
  { name: 'system:public-info-viewer', role: 'system:public-info-viewer', groups: ['system:authenticated', 'system:unauthenticated'] },
];

/** Creates the default ClusterRoles and ClusterRoleBindings that are missing. */
export function bootstrapPolicy(api: Api): void {
  const roles = api.registry.get(RBAC, 'v1', 'clusterroles');
  const bindings = api.registry.get(RBAC, 'v1', 'clusterrolebindings');
  if (!roles || !bindings) return;
  for (const r of CLUSTER_ROLES) {
    if (api.store.get(roles.storageKey, undefined, r.name)) continue;
    const body: KObject = { apiVersion: `${RBAC}/v1`, kind: 'ClusterRole', metadata: { name: r.name, labels: { ...BOOTSTRAP_LABELS, ...r.labels }, annotations: AUTOUPDATE }, rules: r.rules };
    if (r.aggregateFrom) body.aggregationRule = { clusterRoleSelectors: r.aggregateFrom.map((to) => ({ matchLabels: aggregateLabel(to) })) };
    api.createStored(roles, body, 'kube-apiserver');
  }
  for (const b of CLUSTER_ROLE_BINDINGS) {
    if (api.store.get(bindings.storageKey, undefined, b.name)) continue;
    api.createStored(
      bindings,
      {
        apiVersion: `${RBAC}/v1`,
        kind: 'ClusterRoleBinding',
        metadata: { name: b.name, labels: BOOTSTRAP_LABELS, annotations: AUTOUPDATE },
        roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: b.role },
        subjects: b.groups.map((g) => ({ apiGroup: RBAC, kind: 'Group', name: g })),
      },
      'kube-apiserver',
    );
  }
}

function ruleKey(r: PolicyRule): string {
  return JSON.stringify([r.verbs ?? [], r.apiGroups ?? [], r.resources ?? [], r.resourceNames ?? [], r.nonResourceURLs ?? []]);
}

/**
 * The ClusterRole aggregation controller: a ClusterRole with an aggregationRule gets the union
 * of the rules of every ClusterRole its selectors match. Returns true when it changed a role.
 */
export function aggregateClusterRoles(api: Api): boolean {
  const storageKey = `${RBAC}/clusterroles`;
  const all = api.store.list(storageKey);
  let changed = false;
  for (const role of all) {
    const aggregation = role.aggregationRule as { clusterRoleSelectors?: Parameters<typeof matchesLabelSelectorObject>[0][] } | undefined;
    if (!aggregation?.clusterRoleSelectors?.length) continue;
    const rules: PolicyRule[] = [];
    const seen = new Set<string>();
    for (const other of all) {
      if (other.metadata.name === role.metadata.name) continue;
      if (!aggregation.clusterRoleSelectors.some((s) => matchesLabelSelectorObject(s, other.metadata.labels))) continue;
      for (const r of (other.rules as PolicyRule[] | undefined) ?? []) {
        const key = ruleKey(r);
        if (seen.has(key)) continue;
        seen.add(key);
        rules.push(r);
      }
    }
    if (JSON.stringify(rules) === JSON.stringify(role.rules ?? [])) continue;
    api.writeStored(storageKey, { ...role, rules }, 'clusterrole-aggregation-controller');
    changed = true;
  }
  return changed;
}
