import { badRequest } from './errors';

/** One requirement of a label selector (`key in (a,b)`, `!key`, `key=value`, ...). */
export interface LabelRequirement {
  key: string;
  op: 'in' | 'notin' | 'exists' | '!exists' | 'gt' | 'lt';
  values: string[];
}

export type LabelSelector = LabelRequirement[];

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-_.a-z0-9A-Z]*[a-z0-9A-Z])?$/;
const VALUE = /^([a-z0-9A-Z]([-_.a-z0-9A-Z]*[a-z0-9A-Z])?)?$/;

function checkKey(key: string, text: string): void {
  if (!KEY.test(key)) throw badRequest(`unable to parse requirement: <nil>: Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.' (selector "${text}")`);
}

function checkValue(value: string): void {
  if (!VALUE.test(value) || value.length > 63) {
    throw badRequest(`unable to parse requirement: values[0][${value}]: Invalid value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.'`);
  }
}

/** Splits on commas that are not inside a `( ... )` value set. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** Parses a Kubernetes label selector string; throws 400 BadRequest on bad syntax. */
export function parseLabelSelector(text: string | undefined): LabelSelector {
  if (!text) return [];
  const requirements: LabelSelector = [];
  for (const part of splitTopLevel(text)) {
    let m: RegExpMatchArray | null;
    if ((m = part.match(/^(\S+)\s+(in|notin)\s*\((.*)\)$/))) {
      const values = m[3].split(',').map((v) => v.trim());
      checkKey(m[1], text);
      values.forEach(checkValue);
      requirements.push({ key: m[1], op: m[2] as 'in' | 'notin', values });
    } else if ((m = part.match(/^!\s*(\S+)$/))) {
      checkKey(m[1], text);
      requirements.push({ key: m[1], op: '!exists', values: [] });
    } else if ((m = part.match(/^([^!=<>\s]+)\s*(==|=|!=|>|<)\s*(\S*)$/))) {
      checkKey(m[1], text);
      const op = m[2];
      if (op === '>' || op === '<') {
        if (!/^-?\d+$/.test(m[3])) throw badRequest(`unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`);
        requirements.push({ key: m[1], op: op === '>' ? 'gt' : 'lt', values: [m[3]] });
      } else {
        checkValue(m[3]);
        requirements.push({ key: m[1], op: op === '!=' ? 'notin' : 'in', values: [m[3]] });
      }
    } else if ((m = part.match(/^(\S+)$/))) {
      checkKey(m[1], text);
      requirements.push({ key: m[1], op: 'exists', values: [] });
    } else {
      throw badRequest(`unable to parse requirement: found '${part}', expected: identifier`);
    }
  }
  return requirements;
}

/** True when the labels satisfy every requirement. */
export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return selector.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'in':
        return has && r.values.includes(l[r.key]);
      case 'notin':
        return !has || !r.values.includes(l[r.key]);
      case 'exists':
        return has;
      case '!exists':
        return !has;
      case 'gt':
      case 'lt': {
        if (!has || !/^-?\d+$/.test(l[r.key])) return false;
        const n = Number(l[r.key]);
        return r.op === 'gt' ? n > Number(r.values[0]) : n < Number(r.values[0]);
      }
    }
  });
}

/**
 * Matches a `metav1.LabelSelector` object (matchLabels + matchExpressions), as used by webhook
 * namespaceSelector/objectSelector. An empty selector matches everything.
 */
export function matchesLabelSelectorObject(
  selector: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector) return true;
  const reqs: LabelSelector = Object.entries(selector.matchLabels ?? {}).map(([key, v]) => ({ key, op: 'in', values: [v] }));
  for (const e of selector.matchExpressions ?? []) {
    const op = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!exists' }[e.operator] as LabelRequirement['op'] | undefined;
    if (!op) return false;
    reqs.push({ key: e.key, op, values: e.values ?? [] });
  }
  return matchesLabels(reqs, labels);
}

/** One `field=value` / `field!=value` term of a field selector. */
export interface FieldRequirement {
  field: string;
  value: string;
  negate: boolean;
}

/**
 * Parses a field selector; `supported` lists the field labels the kind allows (a real API server
 * answers 400 `field label not supported: <field>` for others).
 */
export function parseFieldSelector(text: string | undefined, supported: readonly string[]): FieldRequirement[] {
  if (!text) return [];
  return text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((part) => {
      const m = part.match(/^([^!=]+?)\s*(==|=|!=)\s*(.*)$/);
      if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
      if (!supported.includes(m[1])) throw badRequest(`field label not supported: ${m[1]}`);
      return { field: m[1], value: m[3], negate: m[2] === '!=' };
    });
}

/** True when every field requirement holds for the object's field values. */
export function matchesFields(requirements: FieldRequirement[], fields: Record<string, string>): boolean {
  return requirements.every((r) => (fields[r.field] === r.value) !== r.negate);
}
