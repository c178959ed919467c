import { isMap, type Json, type JsonMap } from './case';

/** What normalization needs to know about the case run so far. */
export interface NormalizeContext {
  ns: string;
  ns2: string;
  /** Generated name -> its generateName, from every answer of the case so far. */
  generatedNames: Map<string, string>;
  /** Every metadata.generateName sent in a request of the case. */
  sentGenerateNames: Set<string>;
  /** Saved values whose variable name starts with `token`. */
  tokens: string[];
}

export function newNormalizeContext(ns: string, ns2: string): NormalizeContext {
  return { ns, ns2, generatedNames: new Map(), sentGenerateNames: new Set(), tokens: [] };
}

const TIMESTAMP_KEYS = new Set(['creationTimestamp', 'deletionTimestamp', 'expirationTimestamp']);
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const PEM_CERT = /-----BEGIN CERTIFICATE-----/;
const RFC3339 = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})`;
const GEN_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Collects generated names (metadata.name made from metadata.generateName) from an answer. */
export function collectGeneratedNames(value: unknown, into: Map<string, string>): void {
  if (Array.isArray(value)) {
    for (const v of value) collectGeneratedNames(v, into);
    return;
  }
  if (!isMap(value)) return;
  const meta = value.metadata;
  if (isMap(meta) && typeof meta.generateName === 'string' && meta.generateName && typeof meta.name === 'string' && meta.name.startsWith(meta.generateName) && meta.name !== meta.generateName) {
    into.set(meta.name, meta.generateName);
  }
  for (const v of Object.values(value)) collectGeneratedNames(v, into);
}

/** Collects metadata.generateName values from a request body. */
export function collectSentGenerateNames(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const v of value) collectSentGenerateNames(v, into);
    return;
  }
  if (!isMap(value)) return;
  const meta = value.metadata;
  if (isMap(meta) && typeof meta.generateName === 'string' && meta.generateName) into.add(meta.generateName);
  for (const v of Object.values(value)) collectSentGenerateNames(v, into);
}

/** Steps 1-7 of the README for one string (not under a special key). */
export function normalizeText(text: string, ctx: NormalizeContext): string {
  let s = text;
  const generated = [...ctx.generatedNames.entries()].sort((a, b) => b[0].length - a[0].length);
  for (const [name, prefix] of generated) s = s.split(name).join(`${prefix}{{gen}}`);
  for (const token of ctx.tokens) if (token) s = s.split(token).join('{{token}}');
  if (ctx.ns2) s = s.split(ctx.ns2).join('{{ns2}}');
  if (ctx.ns) s = s.split(ctx.ns).join('{{ns}}');
  s = s.replace(/too old resource version: (\d+) \((\d+)\)/g, 'too old resource version: $1 ({{rv}})');
  for (const prefix of ctx.sentGenerateNames) {
    s = s.replace(new RegExp(`${escapeRegExp(prefix)}[${GEN_ALPHABET}]{5}(?![A-Za-z0-9])`, 'g'), `${prefix}{{gen}}`);
  }
  s = s.replace(/(\\?"resourceVersion\\?":\\?")\d+/g, '$1{{rv}}');
  s = s.replace(/(resourceVersion: ")\d+/g, '$1{{rv}}');
  s = s.replace(new RegExp(String.raw`(\\?"(?:creationTimestamp|deletionTimestamp|time)\\?":\\?")${RFC3339}`, 'g'), '$1{{ts}}');
  s = s.replace(new RegExp(`((?:creationTimestamp|deletionTimestamp|time): ")${RFC3339}`, 'g'), '$1{{ts}}');
  s = s.replace(/Too large resource version: (\d+), current: \d+/g, 'Too large resource version: $1, current: {{rv}}');
  s = s.replace(/ResourceVersion in the precondition \(\d+\) does not match the ResourceVersion in record \(\d+\)/g, 'ResourceVersion in the precondition ({{rv}}) does not match the ResourceVersion in record ({{rv}})');
  return s.replace(UUID, '{{uid}}');
}

function normalizeKeyed(key: string, value: string, parentKey: string | undefined, underManagedFields: boolean, ctx: NormalizeContext): string {
  if (key === 'resourceVersion') return value === '' ? '' : '{{rv}}';
  if (key === 'uid' && parentKey !== 'user') return '{{uid}}';
  if (TIMESTAMP_KEYS.has(key) || (key === 'time' && underManagedFields)) return '{{ts}}';
  if (key === 'continue' && value !== '') return '{{continue}}';
  if (key === 'token' && parentKey === 'status') return '{{token}}';
  if (key === 'ca.crt' && PEM_CERT.test(value)) return '{{cert}}';
  return normalizeText(value, ctx);
}

function walk(value: unknown, key: string | undefined, parentKey: string | undefined, underManagedFields: boolean, ctx: NormalizeContext): Json {
  if (typeof value === 'string') {
    return key === undefined ? normalizeText(value, ctx) : normalizeKeyed(key, value, parentKey, underManagedFields, ctx);
  }
  if (Array.isArray(value)) return value.map((v) => walk(v, key, parentKey, underManagedFields, ctx));
  if (isMap(value)) {
    const out: JsonMap = {};
    const inManaged = underManagedFields || key === 'managedFields';
    for (const k of Object.keys(value).sort()) {
      out[normalizeText(k, ctx)] = walk(value[k], k, key, inManaged, ctx);
    }
    return out;
  }
  return value as Json;
}

function sortResources(body: JsonMap): void {
  if (body.kind !== 'APIResourceList' || !Array.isArray(body.resources)) return;
  body.resources = [...body.resources].sort((a, b) => {
    const x = isMap(a) ? String(a.name) : '';
    const y = isMap(b) ? String(b.name) : '';
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

interface Cause {
  field?: string;
  reason?: string;
  message?: string;
}

function causeText(c: Cause): string {
  return c.field ? `${c.field}: ${c.message ?? ''}` : (c.message ?? '');
}

/** True when `list` is exactly the cause texts, joined by ", ", in some order. */
function isPermutation(list: string, texts: string[]): boolean {
  if (texts.length === 0) return list === '';
  for (let i = 0; i < texts.length; i++) {
    const t = texts[i];
    const rest = texts.filter((_, j) => j !== i);
    if (rest.length === 0 ? list === t : list.startsWith(`${t}, `) && isPermutation(list.slice(t.length + 2), rest)) return true;
  }
  return false;
}

function sortCauses(body: JsonMap): void {
  const details = body.details;
  if (body.kind !== 'Status' || !isMap(details) || !Array.isArray(details.causes) || details.causes.length < 2) return;
  const causes = details.causes as Cause[];
  const key = (c: Cause) => [c.field ?? '', c.reason ?? '', c.message ?? ''];
  const sorted = [...causes].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
  });
  details.causes = sorted as unknown as Json[];
  if (typeof body.message !== 'string' || !body.message.endsWith(']')) return;
  const texts = causes.map(causeText);
  const listLength = texts.reduce((n, t) => n + t.length, 0) + 2 * (texts.length - 1);
  const start = body.message.length - 1 - listLength;
  if (start < 3 || body.message.slice(start - 3, start) !== ': [') return;
  if (!isPermutation(body.message.slice(start, -1), texts)) return;
  body.message = `${body.message.slice(0, start)}${sorted.map(causeText).join(', ')}]`;
}

function normalizeTable(body: JsonMap): void {
  if (body.kind !== 'Table' || !Array.isArray(body.columnDefinitions) || !Array.isArray(body.rows)) return;
  const ageColumns = body.columnDefinitions.map((c) => isMap(c) && (c.type === 'date' || c.name === 'Age'));
  for (const row of body.rows) {
    if (!isMap(row) || !Array.isArray(row.cells)) continue;
    row.cells = row.cells.map((cell, i) => (ageColumns[i] && cell !== '' && cell !== '<unknown>' && cell !== null ? '{{age}}' : cell));
  }
}

/** Puts lists kube-apiserver returns in no fixed order into one, anywhere in the value. */
function orderUnordered(value: Json): void {
  if (Array.isArray(value)) {
    for (const v of value) orderUnordered(v);
    return;
  }
  if (!isMap(value)) return;
  sortResources(value);
  sortCauses(value);
  normalizeTable(value);
  for (const v of Object.values(value)) orderUnordered(v);
}

/** The README's normalization of one JSON answer (or projected answer). */
export function normalize(value: unknown, ctx: NormalizeContext): Json {
  const out = walk(JSON.parse(JSON.stringify(value ?? null)) as unknown, undefined, undefined, false, ctx);
  orderUnordered(out);
  return out;
}
