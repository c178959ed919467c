import { badRequest } from './errors';

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'wildcard' }
  | { kind: 'filter'; path: string[]; op: '==' | '!=' | 'exists'; value?: unknown };

/**
 * Parses the JSONPath subset CRD additionalPrinterColumns and selectableFields use:
 * `.a.b`, `.a['b.c']`, `.a[0]`, `.a[*]`, `.a[?(@.type=="Ready")].status`; braces `{...}` are allowed.
 */
export function parseJsonPath(expr: string): Step[] {
  let s = expr.trim();
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1);
  if (s.startsWith('$')) s = s.slice(1);
  const steps: Step[] = [];
  let i = 0;
  while (i < s.length) {
    if (s[i] === '.') {
      i++;
      const m = /^[^.[\]]+/.exec(s.slice(i));
      if (!m) {
        if (s[i] === '[' || i >= s.length) continue;
        throw badRequest(`unrecognized JSONPath ${expr}`);
      }
      steps.push(m[0] === '*' ? { kind: 'wildcard' } : { kind: 'field', name: m[0] });
      i += m[0].length;
    } else if (s[i] === '[') {
      const end = findClose(s, i);
      const inner = s.slice(i + 1, end).trim();
      i = end + 1;
      let m: RegExpMatchArray | null;
      if (inner === '*') steps.push({ kind: 'wildcard' });
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
      else if ((m = inner.match(/^'(.*)'$|^"(.*)"$/))) steps.push({ kind: 'field', name: m[1] ?? m[2] });
      else if ((m = inner.match(/^\?\(@((?:\.[\w-]+)+)\s*(?:(==|!=)\s*(.+))?\)$/))) {
        const path = m[1].split('.').filter(Boolean);
        if (!m[2]) steps.push({ kind: 'filter', path, op: 'exists' });
        else steps.push({ kind: 'filter', path, op: m[2] as '==' | '!=', value: parseLiteral(m[3].trim()) });
      } else throw badRequest(`unrecognized JSONPath ${expr}`);
    } else {
      const m = /^[^.[\]]+/.exec(s.slice(i));
      if (!m) throw badRequest(`unrecognized JSONPath ${expr}`);
      steps.push({ kind: 'field', name: m[0] });
      i += m[0].length;
    }
  }
  return steps;
}

function findClose(s: string, open: number): number {
  let quote: string | undefined;
  for (let j = open + 1; j < s.length; j++) {
    const c = s[j];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ']') return j;
  }
  throw badRequest(`unclosed [ in JSONPath ${s}`);
}

function parseLiteral(text: string): unknown {
  if (/^'.*'$/.test(text)) return text.slice(1, -1);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Every value the path selects (empty when nothing matches). */
export function evaluateJsonPath(obj: unknown, expr: string | Step[]): unknown[] {
  const steps = typeof expr === 'string' ? parseJsonPath(expr) : expr;
  let current: unknown[] = [obj];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const value of current) {
      if (value === null || value === undefined) continue;
      switch (step.kind) {
        case 'field':
          if (typeof value === 'object' && !Array.isArray(value) && step.name in value) next.push((value as Record<string, unknown>)[step.name]);
          break;
        case 'index':
          if (Array.isArray(value)) {
            const v = value[step.index < 0 ? value.length + step.index : step.index];
            if (v !== undefined) next.push(v);
          }
          break;
        case 'wildcard':
          if (Array.isArray(value)) next.push(...value);
          else if (typeof value === 'object') next.push(...Object.values(value as object));
          break;
        case 'filter':
          if (Array.isArray(value)) {
            for (const item of value) {
              let v: unknown = item;
              for (const p of step.path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
              const keep = step.op === 'exists' ? v !== undefined : (v === step.value) === (step.op === '==');
              if (keep) next.push(item);
            }
          }
          break;
      }
    }
    current = next;
  }
  return current;
}
