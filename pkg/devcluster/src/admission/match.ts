/**
 * Which webhooks a request goes to: rules (operations, groups, versions, resources with
 * subresource wildcards, scope), namespaceSelector and objectSelector, as in
 * k8s.io/apiserver/pkg/admission/plugin/webhook (predicates/rules, namespace, object).
 */
import type { LabelSelector, RuleWithOperations, Webhook } from './config';
import type { AdmissionAttributes } from './types';

/** Whether `labels` satisfy a metav1.LabelSelector (an empty selector matches everything). */
export function selectorMatches(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const req of selector?.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, req.key);
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
        if (!has || !values.includes(labels[req.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[req.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

const matchesList = (list: string[] | undefined, value: string) => !!list && (list.includes('*') || list.includes(value));

/** Whether `resource[/subresource]` is covered by a rule's resources (`*`, `*\/*`, `pods/*`, `*\/scale`). */
function matchesResource(resources: string[] | undefined, resource: string, subResource: string | undefined): boolean {
  const wanted = subResource ? `${resource}/${subResource}` : resource;
  return (resources ?? []).some((r) => {
    if (r === '*/*' || r === wanted) return true;
    const [res, sub] = r.split('/', 2);
    if (sub === undefined) return res === '*' && !subResource;
    return (res === '*' || res === resource) && (sub === '*' || sub === subResource) && !!subResource;
  });
}

function matchesScope(rule: RuleWithOperations, attrs: AdmissionAttributes): boolean {
  const scope = rule.scope ?? '*';
  if (scope === '*') return true;
  // Namespaces are cluster-scoped even though their requests carry their own name as namespace.
  const namespaced = !!attrs.namespace && !(attrs.resource.group === '' && attrs.resource.resource === 'namespaces');
  return scope === 'Namespaced' ? namespaced : !namespaced;
}

/** Whether a webhook rule covers the request. */
export function ruleMatches(rule: RuleWithOperations, attrs: AdmissionAttributes): boolean {
  return (
    matchesList(rule.operations, attrs.operation) &&
    matchesList(rule.apiGroups, attrs.resource.group) &&
    matchesList(rule.apiVersions, attrs.resource.version) &&
    matchesResource(rule.resources, attrs.resource.resource, attrs.subResource) &&
    matchesScope(rule, attrs)
  );
}

function labelsOf(obj: Record<string, unknown> | undefined): Record<string, string> | undefined {
  const meta = obj?.metadata as Record<string, unknown> | undefined;
  if (!meta) return undefined;
  return (meta.labels as Record<string, string> | undefined) ?? {};
}

/** Requests the API server never sends to webhooks, so a broken webhook cannot lock out its own repair. */
function isExempt(attrs: AdmissionAttributes): boolean {
  if (attrs.resource.group !== 'admissionregistration.k8s.io') return false;
  return [
    'mutatingwebhookconfigurations',
    'validatingwebhookconfigurations',
    'validatingadmissionpolicies',
    'validatingadmissionpolicybindings',
    'mutatingadmissionpolicies',
    'mutatingadmissionpolicybindings',
  ].includes(attrs.resource.resource);
}

/**
 * Whether the webhook should be called for the request (match conditions aside).
 * `namespaceLabels` looks up the labels of the request's namespace.
 */
export function webhookApplies(hook: Webhook, attrs: AdmissionAttributes, namespaceLabels: (ns: string) => Record<string, string> | undefined): boolean {
  if (isExempt(attrs)) return false;
  if (!hook.rules.some((r) => ruleMatches(r, attrs))) return false;

  const isNamespace = attrs.resource.group === '' && attrs.resource.resource === 'namespaces' && !attrs.subResource;
  if (isNamespace) {
    const labels = labelsOf(attrs.object) ?? labelsOf(attrs.oldObject) ?? {};
    if (!selectorMatches(hook.namespaceSelector, labels)) return false;
  } else if (attrs.namespace) {
    if (!selectorMatches(hook.namespaceSelector, namespaceLabels(attrs.namespace) ?? {})) return false;
  }

  const newLabels = labelsOf(attrs.object);
  const oldLabels = labelsOf(attrs.oldObject);
  const candidates = [newLabels, oldLabels].filter((l): l is Record<string, string> => l !== undefined);
  if (!candidates.length) candidates.push({});
  return candidates.some((labels) => selectorMatches(hook.objectSelector, labels));
}
