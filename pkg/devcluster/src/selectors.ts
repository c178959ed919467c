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

type TokenKind = 'ident' | '!' | '!=' | '(' | ')' | ',' | '=' | '==' | '>' | '<' | 'in' | 'notin' | 'eos';

interface Token {
  kind: TokenKind;
  text: string;
}

const SPECIAL = '=!(),<>';

/** The label selector lexer of k8s.io/apimachinery (identifiers, operators, `in`/`notin`). */
function lex(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
      continue;
    }
    if (SPECIAL.includes(c)) {
      const two = text.slice(i, i + 2);
      if (two === '!=' || two === '==') {
        tokens.push({ kind: two, text: two });
        i += 2;
      } else {
        tokens.push({ kind: c as TokenKind, text: c });
        i++;
      }
      continue;
    }
    let j = i;
    while (j < text.length && !SPECIAL.includes(text[j]) && !' \t\r\n'.includes(text[j])) j++;
    const word = text.slice(i, j);
    tokens.push({ kind: word === 'in' ? 'in' : word === 'notin' ? 'notin' : 'ident', text: word });
    i = j;
  }
  tokens.push({ kind: 'eos', text: '' });
  return tokens;
}

/** A recursive-descent parser with kube-apiserver's error texts. */
class SelectorParser {
  private pos = 0;

  constructor(private readonly tokens: Token[], private readonly text: string) {}

  /** In a value position `in` and `notin` are plain identifiers. */
  private peek(values = true): Token {
    const t = this.tokens[this.pos];
    return values && (t.kind === 'in' || t.kind === 'notin') ? { kind: 'ident', text: t.text } : t;
  }

  private next(values = true): Token {
    const t = this.peek(values);
    this.pos = Math.min(this.pos + 1, this.tokens.length - 1);
    return t;
  }

  parse(): LabelSelector {
    const out: LabelSelector = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eos') return out;
      if (t.kind !== 'ident' && t.kind !== '!') throw badRequest(`found '${t.text}', expected: !, identifier, or 'end of string'`);
      let requirement: LabelRequirement;
      try {
        requirement = this.requirement();
      } catch (err) {
        if (err instanceof ParseError) throw badRequest(`unable to parse requirement: ${err.message}`);
        throw err;
      }
      out.push(requirement);
      const after = this.next();
      if (after.kind === 'eos') return out;
      if (after.kind !== ',') throw badRequest(`found '${after.text}', expected: ',' or 'end of string'`);
      const following = this.peek();
      if (following.kind !== 'ident' && following.kind !== '!') throw badRequest(`found '${following.text}', expected: identifier after ','`);
    }
  }

  private requirement(): LabelRequirement {
    let t = this.next();
    let negated = false;
    if (t.kind === '!') {
      negated = true;
      t = this.next();
    }
    if (t.kind !== 'ident') throw new ParseError(`found '${t.text}', expected: identifier`);
    const key = t.text;
    checkKey(key, this.text);
    const ahead = this.peek();
    if (ahead.kind === 'eos' || ahead.kind === ',') return { key, op: negated ? '!exists' : 'exists', values: [] };
    if (negated) throw new ParseError(`found '${ahead.text}', expected: ',' or 'end of string'`);
    const op = this.next(false);
    switch (op.kind) {
      case 'in':
      case 'notin': {
        const values = this.valueSet();
        values.forEach(checkValue);
        return { key, op: op.kind, values };
      }
      case '=':
      case '==':
      case '!=': {
        const value = this.exactValue();
        checkValue(value);
        return { key, op: op.kind === '!=' ? 'notin' : 'in', values: [value] };
      }
      case '>':
      case '<': {
        const value = this.exactValue();
        if (!/^-?\d+$/.test(value)) throw new ParseError(`for 'Gt', 'Lt' operators, the value must be an integer`);
        return { key, op: op.kind === '>' ? 'gt' : 'lt', values: [value] };
      }
      default:
        throw new ParseError(`found '${op.text}', expected: ${['!=', '=', '==', '>', '<', 'in', 'notin'].join(', ')}`);
    }
  }

  private exactValue(): string {
    const t = this.peek();
    if (t.kind === 'eos' || t.kind === ',') return '';
    this.next();
    if (t.kind === 'ident') return t.text;
    throw new ParseError(`found '${t.text}', expected: identifier`);
  }

  private valueSet(): string[] {
    const open = this.next();
    if (open.kind !== '(') throw new ParseError(`found '${open.text}' expected: '('`);
    const t = this.peek();
    if (t.kind === ')') {
      this.next();
      return [''];
    }
    if (t.kind !== 'ident' && t.kind !== ',') throw new ParseError(`found '${t.text}', expected: ',', ')' or identifier`);
    const values = new Set<string>();
    for (;;) {
      const v = this.next();
      if (v.kind === 'ident') {
        values.add(v.text);
        const after = this.peek();
        if (after.kind === ',') continue;
        if (after.kind === ')') {
          this.next();
          return [...values].sort();
        }
        throw new ParseError(`found '${after.text}', expected: ',' or ')'`);
      }
      if (v.kind === ',') {
        if (values.size === 0) values.add('');
        const after = this.peek();
        if (after.kind === ')') {
          this.next();
          values.add('');
          return [...values].sort();
        }
        if (after.kind === ',') {
          this.next();
          values.add('');
        }
        continue;
      }
      throw new ParseError(`found '${v.text}', expected: ',', or identifier`);
    }
  }
}

class ParseError extends Error {}

/** Parses a Kubernetes label selector string; throws 400 BadRequest on bad syntax. */
export function parseLabelSelector(text: string | undefined): LabelSelector {
  if (!text) return [];
  return new SelectorParser(lex(text), text).parse();
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
export function parseFieldSelector(text: string | undefined, supported: readonly string[], metaOnly = false): FieldRequirement[] {
  if (!text) return [];
  return text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((part) => {
      const m = part.match(/^([^!=]+?)\s*(==|=|!=)\s*(.*)$/);
      if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
      if (!supported.includes(m[1])) {
        // Built-in kinds without field labels of their own use the default conversion and its message.
        if (metaOnly && supported.length === 2) throw badRequest(`${JSON.stringify(m[1])} is not a known field selector: only "metadata.name", "metadata.namespace"`);
        throw badRequest(`field label not supported: ${m[1]}`);
      }
      return { field: m[1], value: m[3], negate: m[2] === '!=' };
    });
}

/** True when every field requirement holds for the object's field values. */
export function matchesFields(requirements: FieldRequirement[], fields: Record<string, string>): boolean {
  return requirements.every((r) => (fields[r.field] === r.value) !== r.negate);
}
