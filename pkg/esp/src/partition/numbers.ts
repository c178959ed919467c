// Python's int(text, 0): optional sign, 0x/0o/0b prefixes, underscores between digits, no leading zeros.
const PYTHON_INT = /^([+-]?)(?:0[xX]((?:_?[0-9a-fA-F])+)|0[oO]((?:_?[0-7])+)|0[bB]((?:_?[01])+)|(0(?:_?0)*|[1-9](?:_?[0-9])*))$/;

/** Parses an integer the way Python's `int(text, 0)` does; undefined when the text is not one. */
export function parsePythonInt(text: string): number | undefined {
  const m = PYTHON_INT.exec(text.trim());
  if (!m) return undefined;
  const [, sign, hex, oct, bin, dec] = m;
  const [digits, radix] = hex ? [hex, 16] : oct ? [oct, 8] : bin ? [bin, 2] : [dec as string, 10];
  const value = parseInt(digits.replaceAll('_', ''), radix);
  return sign === '-' ? -value : value;
}

const SUFFIXES: ReadonlyArray<[string, number]> = [
  ['k', 1024],
  ['m', 1024 * 1024],
];

/** Why a numeric field could not be read. */
export class NumberFieldError extends Error {}

/**
 * Reads a CSV number field like gen_esp32part.py: `int(x, 0)` with k/K/m/M suffixes (x1024), and, when
 * `keywords` is given, a case-insensitive keyword lookup for text that is not a number.
 */
export function parseNumberField(text: string, keywords: Readonly<Record<string, number>> = {}): number {
  const lower = text.toLowerCase();
  for (const [letter, multiplier] of SUFFIXES) {
    if (lower.endsWith(letter)) return parseNumberField(text.slice(0, -1), keywords) * multiplier;
  }
  const value = parsePythonInt(text);
  if (value !== undefined) return value;
  const names = Object.keys(keywords);
  if (names.length === 0) throw new NumberFieldError(`"${text}" is not a number (use decimal, 0x hex, or a K/M suffix)`);
  if (Object.hasOwn(keywords, lower)) return keywords[lower] as number;
  throw new NumberFieldError(`"${text}" is not valid; known values: ${names.join(', ')}`);
}

/** Formats a number as lowercase hex with 0x, as Python's '0x%x' does (sign first). */
export function hex(value: number): string {
  return value < 0 ? `-0x${(-value).toString(16)}` : `0x${value.toString(16)}`;
}
