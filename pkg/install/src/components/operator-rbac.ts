// The operator's RBAC, collected from what every component says the operator needs (Component.operatorGrants):
// rules for the watched namespaces (one Role per namespace when `operator.watchNamespaces` lists them, a
// ClusterRole only when the operator watches all namespaces), rules in its own namespace, and cluster-scoped
// rules by name. Nothing else is granted.
import { OPERATOR_COMPONENT, OPERATOR_NAME } from '../names';
import { item, isUnset, releaseNamespace, when, type Condition, type Document, type Node } from '../template/expr';
import { GrantScope, type Component, type OperatorGrant } from './component';
import { labels } from './labels';

const RBAC_API = 'rbac.authorization.k8s.io/v1';
/** Role (own namespace) and ClusterRole (cluster-scoped objects) names besides OPERATOR_NAME. */
export const OPERATOR_OWN_ROLE = `${OPERATOR_NAME}-leader-and-certs`;
export const OPERATOR_CLUSTER_ROLE = `${OPERATOR_NAME}-cluster`;

const subject = () => [{ kind: 'ServiceAccount', name: OPERATOR_NAME, namespace: releaseNamespace() }];

function rules(grants: readonly OperatorGrant[]): Node[] {
  return grants.map((g) => (g.when ? when(g.when, { ...g.rule }) : { ...g.rule }));
}

/** The condition under which at least one of the grants applies (undefined: always). */
function anyApplies(grants: readonly OperatorGrant[]): Condition | undefined {
  if (grants.some((g) => !g.when)) return undefined;
  const conditions = grants.map((g) => g.when as Condition);
  return conditions.length === 1 ? conditions[0] : { or: conditions };
}

function withWhen(doc: Omit<Document, 'when'>, condition: Condition | undefined): Document {
  return condition ? { ...doc, when: condition } : doc;
}

/** The operator's Roles, ClusterRoles and bindings for the grants of `components`. */
export function operatorRbacComponent(components: readonly Component[]): Component {
  const grants = components.flatMap((c) => c.operatorGrants ?? []);
  const watched = grants.filter((g) => g.scope === GrantScope.Watched);
  const own = grants.filter((g) => g.scope === GrantScope.Own);
  const cluster = grants.filter((g) => g.scope === GrantScope.Cluster);
  const meta = (name: string, namespace?: Node): Node => (namespace === undefined ? { name, labels: labels(OPERATOR_COMPONENT) } : { name, namespace, labels: labels(OPERATOR_COMPONENT) });
  const role = (kind: 'Role' | 'ClusterRole', name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind, name });

  const documents: Document[] = [
    // Watching every namespace: one ClusterRole.
    { when: isUnset('operator.watchNamespaces'), object: { apiVersion: RBAC_API, kind: 'ClusterRole', metadata: meta(OPERATOR_NAME), rules: rules(watched) } },
    {
      when: isUnset('operator.watchNamespaces'),
      object: { apiVersion: RBAC_API, kind: 'ClusterRoleBinding', metadata: meta(OPERATOR_NAME), roleRef: role('ClusterRole', OPERATOR_NAME), subjects: subject() },
    },
    // A list of namespaces: the same rules as a Role in each, nothing cluster-wide.
    { each: 'operator.watchNamespaces', object: { apiVersion: RBAC_API, kind: 'Role', metadata: meta(OPERATOR_NAME, item()), rules: rules(watched) } },
    {
      each: 'operator.watchNamespaces',
      object: { apiVersion: RBAC_API, kind: 'RoleBinding', metadata: meta(OPERATOR_NAME, item()), roleRef: role('Role', OPERATOR_NAME), subjects: subject() },
    },
  ];
  if (own.length > 0) {
    const condition = anyApplies(own);
    documents.push(
      withWhen({ object: { apiVersion: RBAC_API, kind: 'Role', metadata: meta(OPERATOR_OWN_ROLE, releaseNamespace()), rules: rules(own) } }, condition),
      withWhen(
        {
          object: {
            apiVersion: RBAC_API,
            kind: 'RoleBinding',
            metadata: meta(OPERATOR_OWN_ROLE, releaseNamespace()),
            roleRef: role('Role', OPERATOR_OWN_ROLE),
            subjects: subject(),
          },
        },
        condition,
      ),
    );
  }
  if (cluster.length > 0) {
    const condition = anyApplies(cluster);
    documents.push(
      withWhen({ object: { apiVersion: RBAC_API, kind: 'ClusterRole', metadata: meta(OPERATOR_CLUSTER_ROLE), rules: rules(cluster) } }, condition),
      withWhen(
        {
          object: {
            apiVersion: RBAC_API,
            kind: 'ClusterRoleBinding',
            metadata: meta(OPERATOR_CLUSTER_ROLE),
            roleRef: role('ClusterRole', OPERATOR_CLUSTER_ROLE),
            subjects: subject(),
          },
        },
        condition,
      ),
    );
  }
  return {
    name: 'operator-rbac',
    title: 'RBAC of the operator: exactly the access its components declare (see the chart README).',
    values: {},
    documents: () => documents,
  };
}
