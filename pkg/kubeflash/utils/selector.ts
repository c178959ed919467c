import type { LabelSelector } from '../types/resources';

/**
 * Whether `labels` satisfy a Kubernetes label selector (matchLabels AND every matchExpression).
 * An empty or missing selector matches everything, as in Kubernetes.
 */
export function matchesSelector(labels: Record<string, string> | undefined, selector: LabelSelector | undefined): boolean {
  const have = labels || {};

  for (const [key, value] of Object.entries(selector?.matchLabels || {})) {
    if (have[key] !== value) {
      return false;
    }
  }

  return (selector?.matchExpressions || []).every((expr) => {
    const present = Object.prototype.hasOwnProperty.call(have, expr.key);

    switch (expr.operator) {
    case 'In':
      return present && (expr.values || []).includes(have[expr.key]);
    case 'NotIn':
      return !present || !(expr.values || []).includes(have[expr.key]);
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
    default:
      return false;
    }
  });
}

/** `key=value` and expression list in kubectl's selector syntax, for display. */
export function selectorToString(selector: LabelSelector | undefined): string {
  const parts = Object.entries(selector?.matchLabels || {}).map(([k, v]) => `${ k }=${ v }`);

  for (const expr of selector?.matchExpressions || []) {
    switch (expr.operator) {
    case 'Exists':
      parts.push(expr.key);
      break;
    case 'DoesNotExist':
      parts.push(`!${ expr.key }`);
      break;
    default:
      parts.push(`${ expr.key } ${ expr.operator === 'In' ? 'in' : 'notin' } (${ (expr.values || []).join(',') })`);
    }
  }

  return parts.join(', ');
}
