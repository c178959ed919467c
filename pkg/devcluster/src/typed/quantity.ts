/**
 * resource.Quantity as k8s.io/apimachinery parses and serializes it: a decimal number with an
 * optional SI (`m`, `k`, `M`...), binary (`Ki`, `Mi`...) or exponent (`e3`) suffix, rounded up to
 * nano precision, and written back in its canonical form (`1000m` -> `1`, `0.5` -> `500m`,
 * `2048Mi` -> `2Gi`, `1.5Gi` -> `1536Mi`). Written from the documented rules of the Quantity type
 * (API reference: "Quantity is a fixed-point representation of a number..."), with exact BigInt
 * arithmetic in place of Go's int64/inf.Dec pair.
 */

export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

export class QuantityError extends Error {}

type Format = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** value = mantissa * 10^scale, exactly. */
export interface Quantity {
  mantissa: bigint;
  scale: number;
  format: Format;
}

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]));
const BINARY_BY_EXPONENT = new Map(Object.entries(BINARY_SUFFIXES).map(([s, e]) => [e, s]));
const MAX_INT64 = (1n << 63n) - 1n;
const NANO = -9;

/** Splits like parseQuantityString: sign, integer digits, fraction digits, suffix. */
function split(text: string): { positive: boolean; num: string; denom: string; suffix: string } {
  let pos = 0;
  let positive = true;
  if (text[0] === '-' || text[0] === '+') {
    positive = text[0] === '+';
    pos++;
  }
  const digits = (from: number) => {
    let i = from;
    while (i < text.length && text[i] >= '0' && text[i] <= '9') i++;
    return i;
  };
  let end = digits(pos);
  const num = text.slice(pos, end).replace(/^0+/, '') || '0';
  pos = end;
  let denom = '';
  if (text[pos] === '.') {
    end = digits(pos + 1);
    denom = text.slice(pos + 1, end);
    pos = end;
  }
  const suffixStart = pos;
  while (pos < text.length && 'eEinumkKMGTP'.includes(text[pos])) pos++;
  if (text[pos] === '-' || text[pos] === '+') pos++;
  if (digits(pos) !== text.length) throw new QuantityError(QUANTITY_FORMAT_ERROR);
  return { positive, num, denom, suffix: text.slice(suffixStart) };
}

function interpret(suffix: string): { base: 10 | 2; exponent: number; format: Format } {
  if (suffix in DECIMAL_SUFFIXES) return { base: 10, exponent: DECIMAL_SUFFIXES[suffix], format: 'DecimalSI' };
  if (suffix in BINARY_SUFFIXES) return { base: 2, exponent: BINARY_SUFFIXES[suffix], format: 'BinarySI' };
  const m = /^[eE]([-+]?\d+)$/.exec(suffix);
  if (m) return { base: 10, exponent: Number(m[1]), format: 'DecimalExponent' };
  throw new QuantityError(QUANTITY_SUFFIX_ERROR);
}

/** Rounds |value| up (away from zero) to 10^scale. */
function roundUp(q: Quantity, scale: number): Quantity {
  if (q.scale >= scale) return q;
  const div = 10n ** BigInt(scale - q.scale);
  const negative = q.mantissa < 0n;
  const abs = negative ? -q.mantissa : q.mantissa;
  const rounded = (abs + div - 1n) / div;
  return { ...q, mantissa: negative ? -rounded : rounded, scale };
}

export function parseQuantity(input: string): Quantity {
  const text = input;
  if (!text) throw new QuantityError(QUANTITY_FORMAT_ERROR);
  if (text === '0') return { mantissa: 0n, scale: 0, format: 'DecimalSI' };
  const { positive, num, denom, suffix } = split(text);
  const { base, exponent, format: parsedFormat } = interpret(suffix);
  let format = parsedFormat;
  let mantissa = BigInt(num + denom);
  let scale = -denom.length;
  if (base === 10) scale += exponent;
  else mantissa *= 1n << BigInt(exponent);
  if (!positive) mantissa = -mantissa;
  let q: Quantity = { mantissa, scale, format };
  if (q.mantissa !== 0n) q = roundUp(q, NANO);
  if (format === 'BinarySI') {
    const abs = q.mantissa < 0n ? -q.mantissa : q.mantissa;
    if (q.scale >= 0 && abs * 10n ** BigInt(q.scale) > MAX_INT64) q = { mantissa: q.mantissa < 0n ? -MAX_INT64 : MAX_INT64, scale: 0, format };
    if (abs !== 0n && compareAbs(q, 1n) < 0) format = 'DecimalSI';
  }
  return { ...q, format };
}

/** Compares |q| with an integer. */
function compareAbs(q: Quantity, n: bigint): number {
  const abs = q.mantissa < 0n ? -q.mantissa : q.mantissa;
  const [a, b] = q.scale >= 0 ? [abs * 10n ** BigInt(q.scale), n] : [abs, n * 10n ** BigInt(-q.scale)];
  return a < b ? -1 : a > b ? 1 : 0;
}

function integerValue(q: Quantity): bigint | undefined {
  if (q.scale >= 0) return q.mantissa * 10n ** BigInt(q.scale);
  const div = 10n ** BigInt(-q.scale);
  return q.mantissa % div === 0n ? q.mantissa / div : undefined;
}

/** The canonical text (Quantity.String / MarshalJSON). */
export function formatQuantity(q: Quantity): string {
  if (q.mantissa === 0n) return '0';
  let format = q.format;
  let integer: bigint | undefined;
  if (format === 'BinarySI') {
    integer = compareAbs(q, 1024n) < 0 ? undefined : integerValue(q);
    if (integer === undefined) format = 'DecimalSI';
  }
  if (format === 'BinarySI' && integer !== undefined) {
    let exponent = 0;
    while (integer % 1024n === 0n && BINARY_BY_EXPONENT.has((exponent + 1) * 10)) {
      integer /= 1024n;
      exponent++;
    }
    return `${integer}${BINARY_BY_EXPONENT.get(exponent * 10) ?? ''}`;
  }
  let mantissa = q.mantissa;
  let exponent = q.scale;
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  const mod = ((exponent % 3) + 3) % 3;
  mantissa *= 10n ** BigInt(mod);
  exponent -= mod;
  if (format === 'DecimalExponent') return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`;
  while (exponent > 18) {
    mantissa *= 1000n;
    exponent -= 3;
  }
  return `${mantissa}${DECIMAL_BY_EXPONENT.get(exponent) ?? ''}`;
}

/** Parses and re-serializes (throws QuantityError with Go's message for a malformed quantity). */
export function canonicalQuantity(text: string): string {
  return formatQuantity(parseQuantity(text));
}

/** SetDefaults_ResourceList: every value rounded up to milli precision. */
export function roundUpToMilli(text: string): string {
  try {
    return formatQuantity(roundUp(parseQuantity(text), -3));
  } catch {
    return text;
  }
}
