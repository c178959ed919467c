/**
 * What the RBAC suites need of devcluster beyond the API: per-user credentials and the audit of every request.
 * A real cluster (KUBEFLASH_TEST_KUBECONFIG) offers neither to a test: the suites then say SKIPPED and why.
 */
import { KubeConfig } from '@kubernetes/client-node';
import type { AuditEntry, DevCluster } from '@kubeflash/devcluster';

export type { AuditEntry };
import type { PlainObject } from '@kubeflash/install';

/** devcluster with authentication, RBAC and an audit log. */
export interface AuthenticatingDevCluster extends DevCluster {
  kubeconfigFor(user: string, groups?: string[]): Promise<string>;
  readonly audit: { list(filter?: { user?: string }): AuditEntry[]; clear(): void };
}

/** The devcluster, when it authenticates and audits; undefined (the caller skips) otherwise. */
export function authenticating(devcluster: DevCluster | undefined): AuthenticatingDevCluster | undefined {
  const candidate = devcluster as Partial<AuthenticatingDevCluster> | undefined;
  return candidate && typeof candidate.kubeconfigFor === 'function' && candidate.audit && typeof candidate.audit.list === 'function' ? (candidate as AuthenticatingDevCluster) : undefined;
}

/** A KubeConfig for `user` in `groups` (a client certificate of devcluster's CA). */
export async function kubeConfigAs(devcluster: AuthenticatingDevCluster, user: string, groups: string[]): Promise<KubeConfig> {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(await devcluster.kubeconfigFor(user, groups));
  return kubeConfig;
}

/**
 * A KubeConfig that acts as `user` through `admin`'s credentials with the Impersonate-User header (how a suite
 * becomes another user on a real cluster, where it cannot sign client certificates). The API server adds the
 * group system:authenticated to an impersonated user.
 */
export function impersonating(admin: KubeConfig, user: string): KubeConfig {
  const adminUser = admin.getCurrentUser();
  const cluster = admin.getCurrentCluster();
  if (!adminUser || !cluster) throw new Error('the admin kubeconfig has no current user or cluster');
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [cluster],
    users: [{ ...adminUser, name: 'impersonating', impersonateUser: user }],
    contexts: [{ name: 'impersonating', cluster: cluster.name, user: 'impersonating' }],
    currentContext: 'impersonating',
  });
  return kubeConfig;
}

/** One (verb, API group, resource[/subresource], namespace or cluster, name) a rule grants. */
export interface Grant {
  verb: string;
  apiGroup: string;
  resource: string;
  /** Namespace of the Role, or '' for a ClusterRole bound cluster-wide. */
  namespace: string;
  /** A resourceNames entry, or '' for any name. */
  name: string;
  role: string;
}

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** Every (verb, resource, namespace, name) the bindings of `objects` give `serviceAccount` (namespace/name). */
export function grantsOf(objects: readonly PlainObject[], serviceAccount: { namespace: string; name: string }): Grant[] {
  const meta = (o: PlainObject) => o.metadata as { name: string; namespace?: string };
  const roles = new Map(objects.filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole').map((o) => [`${String(o.kind)}/${meta(o).namespace ?? ''}/${meta(o).name}`, o]));
  const grants: Grant[] = [];
  for (const binding of objects.filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding')) {
    const subjects = binding.subjects as { kind: string; name: string; namespace?: string }[];
    if (!subjects.some((s) => s.kind === 'ServiceAccount' && s.name === serviceAccount.name && s.namespace === serviceAccount.namespace)) continue;
    const ref = binding.roleRef as { kind: string; name: string };
    const namespace = binding.kind === 'RoleBinding' ? (meta(binding).namespace ?? '') : '';
    const role = roles.get(`${ref.kind}/${ref.kind === 'Role' ? namespace : ''}/${ref.name}`);
    if (!role) throw new Error(`${String(binding.kind)} ${meta(binding).name} refers to ${ref.kind} ${ref.name}, which the install does not have`);
    for (const rule of (role.rules ?? []) as unknown as Rule[]) {
      for (const verb of rule.verbs) for (const apiGroup of rule.apiGroups) for (const resource of rule.resources) {
        for (const name of rule.resourceNames?.length ? rule.resourceNames : ['']) grants.push({ verb, apiGroup, resource, namespace, name, role: `${ref.kind}/${ref.name}` });
      }
    }
  }
  return grants;
}

/** Whether an audited request used a grant. */
export function uses(entry: AuditEntry, grant: Grant): boolean {
  const resource = entry.subresource ? `${entry.resource}/${entry.subresource}` : entry.resource;
  return (
    entry.code < 400 &&
    entry.verb === grant.verb &&
    entry.apiGroup === grant.apiGroup &&
    resource === grant.resource &&
    (grant.namespace === '' || entry.namespace === grant.namespace) &&
    (grant.name === '' || entry.name === grant.name)
  );
}
