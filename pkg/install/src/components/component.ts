// What one part of the install contributes: its values (a top-level key of values.yaml), its objects (one
// template file, charts/kubeflash/templates/<name>.yaml), the API access the operator needs for it (collected
// into the operator's RBAC), and its lines of NOTES.txt. A new part of the product (artifact service, MQTT broker)
// is a new file exporting a Component, listed in components/index.ts.
import type { TSchema } from '@sinclair/typebox';
import type { Condition, Document, Node } from '../template/expr';

/** One RBAC rule (rbac.authorization.k8s.io/v1 PolicyRule); `resourceNames` only where the verb allows it. */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: Node[];
}

/** Where a rule applies. */
export const GrantScope = {
  /** In every namespace the operator watches (a Role per namespace, or a ClusterRole when it watches all). */
  Watched: 'watched',
  /** In the operator's own namespace only (Leases, its serving-certificate Secret). */
  Own: 'own',
  /** Cluster-scoped objects (webhook configurations), always by name. */
  Cluster: 'cluster',
} as const;
/** One of the grant scopes. */
export type GrantScope = (typeof GrantScope)[keyof typeof GrantScope];

/** API access the operator needs for a component, and why (written beside the rule in the chart). */
export interface OperatorGrant {
  scope: GrantScope;
  rule: PolicyRule;
  /** Why the operator needs it (a comment in the generated RBAC and the docs). */
  reason: string;
  /** Granted only when this holds (e.g. the webhooks are enabled). */
  when?: Condition;
  /**
   * Held only so that the operator may write a Role with this rule (the API server refuses a Role whose rules its
   * author does not hold: RBAC escalation prevention); the operator never makes such a request itself.
   */
  escalationCover?: true;
}

/** How the API server reaches the webhooks: the in-cluster Service, or a URL (kubeflash dev). */
export type WebhookClient = { service: true } | { url: string; caBundle: string };

/** Choices made by whoever renders the install (not chart values). */
export interface RenderOptions {
  webhookClient: WebhookClient;
}

/** One part of the install. */
export interface Component {
  /** File name of its template (`templates/<name>.yaml`) and its name in messages. */
  name: string;
  /** One line saying what it installs (the template's header). */
  title: string;
  /** Top-level values keys it owns, with their schemas (descriptions and defaults included). */
  values: Record<string, TSchema>;
  /** Its objects. */
  documents(options: RenderOptions): Document[];
  /** API access the operator needs for it. */
  operatorGrants?: OperatorGrant[];
  /** Lines of NOTES.txt (Helm template text; may use $.Values and $.Release). */
  notes?: string[];
}
