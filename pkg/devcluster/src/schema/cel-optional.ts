/**
 * CEL optional values (`self.?field`, `map[?key]`, `.orValue()`, `.hasValue()`, `.value()`,
 * `optional.of/none`, `optionalOldSelf`), which @bufbuild/cel does not parse: the optional
 * selections are rewritten to method calls before parsing, and an absent optional is a marker
 * map. Present optionals are the plain value, so `.orValue()` and friends work on any value.
 */
import { CelScalar, celFunc, celMethod, isCelMap, type CelFunc } from '@bufbuild/cel';

const NONE_KEY = '__kubeflash_optional_none__';

/** The value of `optional.none()`. */
export const OPTIONAL_NONE = new Map([[NONE_KEY, true]]);

const isNone = (v: unknown) => isCelMap(v) && v.has(NONE_KEY);

/** Index of the end of the string literal starting at `i` (exclusive). */
function skipString(text: string, i: number): number {
  let start = i;
  if (text[start] === 'r' || text[start] === 'R' || text[start] === 'b' || text[start] === 'B') start++;
  const quote = text[start];
  const triple = text.slice(start, start + 3) === quote.repeat(3);
  const close = triple ? quote.repeat(3) : quote;
  let j = start + close.length;
  while (j < text.length) {
    if (text[j] === '\\') {
      j += 2;
      continue;
    }
    if (text.startsWith(close, j)) return j + close.length;
    j++;
  }
  return text.length;
}

/** Rewrites `.?name` to `.optSel__("name")` and `[?expr]` to `.optIndex__(expr)` outside string literals. */
export function rewriteOptionalSyntax(text: string): string {
  let out = '';
  const closers: string[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    const isQuote = ch === '"' || ch === "'";
    const prefixed = /[rRbB]/.test(ch) && (text[i + 1] === '"' || text[i + 1] === "'") && !/[A-Za-z0-9_]/.test(text[i - 1] ?? '');
    if (isQuote || prefixed) {
      const end = skipString(text, i);
      out += text.slice(i, end);
      i = end;
      continue;
    }
    const sel = /^\.\?\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(i));
    if (sel) {
      out += `.optSel__("${sel[1]}")`;
      i += sel[0].length;
      continue;
    }
    if (ch === '[') {
      const opt = text[i + 1] === '?';
      closers.push(opt ? ')' : ']');
      out += opt ? '.optIndex__(' : '[';
      i += opt ? 2 : 1;
      continue;
    }
    if (ch === ']') {
      out += closers.pop() ?? ']';
      i++;
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}

function lookup(target: unknown, key: unknown): unknown {
  if (isNone(target)) return target;
  if (isCelMap(target)) return target.has(key as string) ? target.get(key as string) : OPTIONAL_NONE;
  if (Array.isArray(target) || (typeof target === 'object' && target !== null && Symbol.iterator in target)) {
    const items = [...(target as Iterable<unknown>)];
    const i = Number(key);
    return Number.isInteger(i) && i >= 0 && i < items.length ? items[i] : OPTIONAL_NONE;
  }
  return OPTIONAL_NONE;
}

const { BOOL, DYN, STRING } = CelScalar;

/** The functions behind the rewritten syntax and the optional methods. */
export const optionalFuncs: CelFunc[] = [
  celMethod('optSel__', DYN, [STRING], DYN, function (name) {
    return lookup(this, name) as never;
  }),
  celMethod('optIndex__', DYN, [DYN], DYN, function (key) {
    return lookup(this, key) as never;
  }),
  celMethod('hasValue', DYN, [], BOOL, function () {
    return !isNone(this);
  }),
  celMethod('orValue', DYN, [DYN], DYN, function (fallback) {
    return (isNone(this) ? fallback : this) as never;
  }),
  celMethod('value', DYN, [], DYN, function () {
    if (isNone(this)) throw new Error('optional.none() dereference');
    return this as never;
  }),
  celFunc('optional.none', [], DYN, () => OPTIONAL_NONE as never),
  celFunc('optional.of', [DYN], DYN, (x) => x as never),
  celFunc('optional.ofNonZeroValue', [DYN], DYN, (x) => {
    const zero = x === null || x === '' || x === 0n || x === 0 || x === false || (isCelMap(x) && x.size === 0);
    return (zero ? OPTIONAL_NONE : x) as never;
  }),
];
