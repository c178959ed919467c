/**
 * The admissionregistration.k8s.io/v1 webhook fields the admission chain reads, with the
 * defaults kube-apiserver applies to them.
 */

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

export interface RuleWithOperations {
  operations?: string[];
  apiGroups?: string[];
  apiVersions?: string[];
  resources?: string[];
  scope?: 'Cluster' | 'Namespaced' | '*';
}

export interface WebhookClientConfig {
  url?: string;
  service?: { namespace: string; name: string; path?: string; port?: number };
  caBundle?: string;
}

export interface MatchCondition {
  name: string;
  expression: string;
}

/** One webhook of a Mutating/ValidatingWebhookConfiguration, defaults applied. */
export interface Webhook {
  name: string;
  /** Name of the configuration the webhook belongs to (ordering, messages). */
  configurationName: string;
  clientConfig: WebhookClientConfig;
  rules: RuleWithOperations[];
  failurePolicy: 'Fail' | 'Ignore';
  sideEffects: string;
  timeoutSeconds: number;
  namespaceSelector: LabelSelector;
  objectSelector: LabelSelector;
  matchConditions: MatchCondition[];
  reinvocationPolicy: 'Never' | 'IfNeeded';
}

const asRecord = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** Reads the webhooks of stored configurations, sorted by configuration name as kube-apiserver does. */
export function readWebhooks(configurations: Record<string, unknown>[]): Webhook[] {
  const sorted = [...configurations].sort((a, b) => {
    const an = String(asRecord(a.metadata).name ?? '');
    const bn = String(asRecord(b.metadata).name ?? '');
    return an < bn ? -1 : an > bn ? 1 : 0;
  });
  const out: Webhook[] = [];
  for (const config of sorted) {
    const configurationName = String(asRecord(config.metadata).name ?? '');
    const hooks = Array.isArray(config.webhooks) ? config.webhooks : [];
    for (const raw of hooks) {
      const h = asRecord(raw);
      out.push({
        name: String(h.name ?? ''),
        configurationName,
        clientConfig: asRecord(h.clientConfig) as WebhookClientConfig,
        rules: Array.isArray(h.rules) ? (h.rules as RuleWithOperations[]) : [],
        failurePolicy: h.failurePolicy === 'Ignore' ? 'Ignore' : 'Fail',
        sideEffects: typeof h.sideEffects === 'string' ? h.sideEffects : 'Unknown',
        timeoutSeconds: typeof h.timeoutSeconds === 'number' ? h.timeoutSeconds : 10,
        namespaceSelector: asRecord(h.namespaceSelector) as LabelSelector,
        objectSelector: asRecord(h.objectSelector) as LabelSelector,
        matchConditions: Array.isArray(h.matchConditions) ? (h.matchConditions as MatchCondition[]) : [],
        reinvocationPolicy: h.reinvocationPolicy === 'IfNeeded' ? 'IfNeeded' : 'Never',
      });
    }
  }
  return out;
}
