import { isMap, type Extract, type Json, type JsonMap, type Mutation } from './case';

/** What templates can refer to: the case's namespaces and the values saved so far. */
export interface TemplateContext {
  ns: string;
  ns2: string;
  vars: Map<string, unknown>;
}

const WHOLE_VAR = /^\{\{var\.([A-Za-z0-9_]+)\}\}$/;

function replaceInString(text: string, ctx: TemplateContext): string {
  return text
    .replace(/\{\{ns2\}\}/g, ctx.ns2)
    .replace(/\{\{ns\}\}/g, ctx.ns)
    .replace(/\{\{var\.([A-Za-z0-9_]+)\}\}/g, (whole, name: string) => {
      if (!ctx.vars.has(name)) throw new Error(`template ${whole}: no value was saved under "${name}"`);
      const value = ctx.vars.get(name);
      return typeof value === 'string' ? value : JSON.stringify(value);
    });
}

/**
 * Replaces `{{ns}}`, `{{ns2}}` and `{{var.NAME}}` in every string and object key. A string that is
 * exactly one `{{var.NAME}}` whose saved value is not a string becomes that value.
 */
export function applyTemplates(value: Json, ctx: TemplateContext): Json {
  if (typeof value === 'string') {
    const whole = value.match(WHOLE_VAR);
    if (whole && ctx.vars.has(whole[1]) && typeof ctx.vars.get(whole[1]) !== 'string') return structuredClone(ctx.vars.get(whole[1])) as Json;
    return replaceInString(value, ctx);
  }
  if (Array.isArray(value)) return value.map((v) => applyTemplates(v, ctx));
  if (isMap(value)) {
    const out: JsonMap = {};
    for (const [k, v] of Object.entries(value)) out[replaceInString(k, ctx)] = applyTemplates(v, ctx);
    return out;
  }
  return value;
}

function specOf(body: JsonMap): JsonMap {
  if (!isMap(body.spec)) body.spec = {};
  return body.spec as JsonMap;
}

/** The README's `mutate` edits, applied to a copy of an (already templated) body. */
export function mutate(body: Json, mutation: Mutation): Json {
  if (!isMap(body)) throw new Error(`mutate ${mutation}: the body is not an object`);
  const out = structuredClone(body);
  switch (mutation) {
    case 'spec': {
      const spec = specOf(out);
      switch (out.kind) {
        case 'DevicesCluster':
          spec.mqtt = { ...(isMap(spec.mqtt) ? spec.mqtt : {}), topicPrefix: 'mutated' };
          break;
        case 'DeviceGroup':
          spec.priority = 7;
          break;
        case 'Firmware':
          spec.version = '9.9.9';
          break;
        case 'Rollout':
          spec.paused = true;
          break;
        default:
          spec.description = 'mutated';
      }
      return out;
    }
    case 'badmac':
      specOf(out).macAddress = 'bad';
      return out;
    case 'spec+status':
      specOf(out).description = 'changed-via-status';
      out.status = { reported: { firmwareVersion: '3.0' } };
      return out;
    case 'data':
      delete out.spec;
      out.data = { ...(isMap(out.data) ? out.data : {}), a: 'changed' };
      return out;
    case 'renew': {
      const spec = specOf(out);
      spec.renewTime = '2024-01-01T00:00:10.000000Z';
      spec.leaseTransitions = 1;
      return out;
    }
  }
  throw new Error(`unknown mutate ${String(mutation)}`);
}

/** A dotted path (numeric segments index arrays) into a value; undefined when absent. */
export function lookup(value: unknown, path: string[]): unknown {
  let v = value;
  for (const seg of path) {
    if (Array.isArray(v) && /^\d+$/.test(seg)) v = v[Number(seg)];
    else if (isMap(v) && Object.prototype.hasOwnProperty.call(v, seg)) v = v[seg];
    else return undefined;
  }
  return v;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function elementKey(item: unknown): Json {
  if (!isMap(item)) return null;
  if (typeof item.name === 'string') return item.name;
  const meta = item.metadata;
  if (isMap(meta) && typeof meta.name === 'string') return meta.name;
  if (typeof item.type === 'string') return item.type;
  return null;
}

function sortKeys(values: Json[]): Json[] {
  return [...values].sort((a, b) => {
    const x = a === null ? '' : String(a);
    const y = b === null ? '' : String(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** The README's `extract` projections: `<path joined by "/">:<as>` -> the projected value. */
export function extract(body: unknown, projections: Extract[]): JsonMap {
  const out: JsonMap = {};
  for (const p of projections) {
    const as = p.as ?? 'value';
    const v = lookup(body, p.path);
    let result: Json;
    switch (as) {
      case 'value':
        result = v === undefined ? '<absent>' : (v as Json);
        break;
      case 'exists':
        result = v !== undefined;
        break;
      case 'type':
        result = v === undefined ? '<absent>' : typeName(v);
        break;
      case 'length':
        result = Array.isArray(v) ? v.length : null;
        break;
      case 'keys': {
        const keys: Json[] = Array.isArray(v) ? v.map(elementKey) : isMap(v) ? Object.keys(v) : [];
        const filter = p.filter ? new RegExp(p.filter) : undefined;
        result = sortKeys(filter ? keys.filter((k) => k !== null && filter.test(String(k))) : keys);
        if (!Array.isArray(v) && !isMap(v)) result = null;
        break;
      }
      case 'find': {
        const by = (p.by ?? '').split('.');
        const found = Array.isArray(v) ? v.find((item) => JSON.stringify(lookup(item, by)) === JSON.stringify(p.eq)) : undefined;
        result = found === undefined ? null : (found as Json);
        break;
      }
    }
    out[`${p.path.join('/')}:${as}`] = result;
  }
  return out;
}
