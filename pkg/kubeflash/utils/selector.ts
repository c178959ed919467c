import { LabelSelectorOperator, type LabelSelector } from '@kubeflash/api';

/**
 * A label selector in kubectl's syntax (`a=b, c in (d,e), !f`), for display only: which objects a
 * selector matches is decided by @kubeflash/api's matchesLabelSelector.
 */
export function selectorToString(selector: LabelSelector | undefined): string {
  const parts = Object.entries(selector?.matchLabels || {}).map(([k, v]) => `${ k }=${ v }`);

  for (const expr of selector?.matchExpressions || []) {
    switch (expr.operator) {
    case LabelSelectorOperator.Exists:
      parts.push(expr.key);
      break;
    case LabelSelectorOperator.DoesNotExist:
      parts.push(`!${ expr.key }`);
      break;
    default:
      parts.push(`${ expr.key } ${ expr.operator === LabelSelectorOperator.In ? 'in' : 'notin' } (${ (expr.values || []).join(',') })`);
    }
  }

  return parts.join(', ');
}
