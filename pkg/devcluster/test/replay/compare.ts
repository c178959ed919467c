import { isMap, type Json } from './case';

/** The first place two normalized values differ: a JSON-path-like location and both sides. */
export interface Difference {
  path: string;
  expected: unknown;
  actual: unknown;
}

/** Depth-first, keys in sorted order: the first difference, or undefined when deeply equal. */
export function firstDifference(expected: unknown, actual: unknown, path = ''): Difference | undefined {
  if (expected === actual) return undefined;
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const n = Math.min(expected.length, actual.length);
    for (let i = 0; i < n; i++) {
      const d = firstDifference(expected[i], actual[i], `${path}[${i}]`);
      if (d) return d;
    }
    if (expected.length !== actual.length) return { path: `${path}.length`, expected: expected.length, actual: actual.length };
    return undefined;
  }
  if (isMap(expected) && isMap(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
    for (const k of keys) {
      const sub = path ? `${path}.${k}` : k;
      if (!(k in actual)) return { path: sub, expected: expected[k], actual: '<missing>' };
      if (!(k in expected)) return { path: sub, expected: '<absent>', actual: actual[k] };
      const d = firstDifference(expected[k], actual[k], sub);
      if (d) return d;
    }
    return undefined;
  }
  return { path, expected, actual };
}

export type MismatchClass = 'missing feature' | 'status-code mismatch' | 'message mismatch' | 'shape mismatch' | 'check failed' | 'error';

/** One failing case: where it first differed and how that difference is classified. */
export interface Mismatch {
  step: number;
  /** `during[i]` of a watch step, when the difference is there. */
  during?: number;
  classification: MismatchClass;
  what: string;
  difference?: Difference;
}

const MISSING_FEATURE = new Set([404, 405, 406, 415, 501]);

export function classifyStatus(expected: number, actual: number): MismatchClass {
  return expected >= 200 && expected < 300 && MISSING_FEATURE.has(actual) ? 'missing feature' : 'status-code mismatch';
}

const STATUS_FIELDS = /(^|\.)(message|reason|causes|details|field)(\.|\[|$)/;

/** A body difference inside a Status (message, reason, causes, details, field) is a message mismatch. */
export function classifyBody(expected: Json | undefined, d: Difference): MismatchClass {
  const statusBody = (v: unknown) => isMap(v) && v.kind === 'Status';
  if ((statusBody(expected) && STATUS_FIELDS.test(d.path)) || /(^|\.)object\.(message|reason|details)/.test(d.path)) return 'message mismatch';
  return 'shape mismatch';
}

/** content-type equality ignoring a charset parameter. */
export function sameContentType(expected: string | undefined, actual: string | undefined): boolean {
  const strip = (v: string | undefined) =>
    v
      ?.split(';')
      .map((p) => p.trim())
      .filter((p) => p && !/^charset=/i.test(p))
      .join(';');
  return strip(expected) === strip(actual);
}

/** Shortens a value for a report line. */
export function brief(v: unknown, max = 160): string {
  const text = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
