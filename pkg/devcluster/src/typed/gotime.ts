/**
 * metav1.Time and metav1.MicroTime parsing as Go's time.Parse does it, with Go's error texts:
 * Time uses RFC 3339 (`2006-01-02T15:04:05Z07:00`, a fraction of a second is accepted and dropped),
 * MicroTime uses `2006-01-02T15:04:05.000000Z07:00` (exactly six fractional digits).
 */

export const RFC3339 = '2006-01-02T15:04:05Z07:00';
export const RFC3339_MICRO = '2006-01-02T15:04:05.000000Z07:00';

/** A parsed instant: milliseconds since the epoch plus the microseconds within the second. */
export interface GoTime {
  epochSeconds: number;
  micros: number;
}

/** Go's `%q` / strconv.Quote for the texts in parse errors. */
function quote(s: string): string {
  return JSON.stringify(s);
}

export class GoTimeParseError extends Error {}

function bad(value: string, layout: string, valueElem: string, layoutElem: string): GoTimeParseError {
  return new GoTimeParseError(`parsing time ${quote(value)} as ${quote(layout)}: cannot parse ${quote(valueElem)} as ${quote(layoutElem)}`);
}

function outOfRange(value: string, what: string): GoTimeParseError {
  return new GoTimeParseError(`parsing time ${quote(value)}: ${what} out of range`);
}

const isDigit = (s: string, i: number) => i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57;

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Parses `value` with RFC3339 (micro=false) or RFC3339Micro (micro=true) like time.Parse. */
export function parseGoTime(value: string, micro: boolean): GoTime {
  const layout = micro ? RFC3339_MICRO : RFC3339;
  let rest = value;
  const fixed = (digits: number, elem: string): number => {
    for (let i = 0; i < digits; i++) if (!isDigit(rest, i)) throw bad(value, layout, rest, elem);
    const n = Number(rest.slice(0, digits));
    rest = rest.slice(digits);
    return n;
  };
  const literal = (text: string) => {
    if (!rest.startsWith(text)) throw bad(value, layout, rest, text);
    rest = rest.slice(text.length);
  };
  const year = fixed(4, '2006');
  literal('-');
  const month = fixed(2, '01');
  if (month < 1 || month > 12) throw outOfRange(value, 'month');
  literal('-');
  const day = fixed(2, '02');
  literal('T');
  // stdHour takes one or two digits.
  if (!isDigit(rest, 0)) throw bad(value, layout, rest, '15');
  const hourDigits = isDigit(rest, 1) ? 2 : 1;
  const hour = Number(rest.slice(0, hourDigits));
  rest = rest.slice(hourDigits);
  if (hour > 23) throw outOfRange(value, 'hour');
  literal(':');
  const minute = fixed(2, '04');
  if (minute > 59) throw outOfRange(value, 'minute');
  literal(':');
  const second = fixed(2, '05');
  if (second > 59) throw outOfRange(value, 'second');
  let micros = 0;
  if (micro) {
    // stdFracSecond0 wants the exact number of digits of the layout.
    if (rest.length < 7 || !(rest[0] === '.' || rest[0] === ',')) throw bad(value, layout, rest, '.000000');
    for (let i = 1; i < 7; i++) if (!isDigit(rest, i)) throw bad(value, layout, rest, '.000000');
    micros = Number(rest.slice(1, 7));
    rest = rest.slice(7);
  } else if (rest.length >= 2 && (rest[0] === '.' || rest[0] === ',') && isDigit(rest, 1)) {
    let n = 2;
    while (isDigit(rest, n)) n++;
    micros = Math.floor(Number(`0.${rest.slice(1, n)}`) * 1e6);
    rest = rest.slice(n);
  }
  let offsetMinutes = 0;
  if (rest.startsWith('Z')) {
    rest = rest.slice(1);
  } else {
    if (rest.length < 6 || rest[3] !== ':' || (rest[0] !== '+' && rest[0] !== '-') || !isDigit(rest, 1) || !isDigit(rest, 2) || !isDigit(rest, 4) || !isDigit(rest, 5)) {
      throw bad(value, layout, rest, 'Z07:00');
    }
    const hh = Number(rest.slice(1, 3));
    const mm = Number(rest.slice(4, 6));
    if (hh > 24) throw outOfRange(value, 'time zone offset hour');
    if (mm > 60) throw outOfRange(value, 'time zone offset minute');
    offsetMinutes = (rest[0] === '-' ? -1 : 1) * (hh * 60 + mm);
    rest = rest.slice(6);
  }
  if (rest !== '') throw new GoTimeParseError(`parsing time ${quote(value)}: extra text: ${quote(rest)}`);
  if (day < 1 || day > daysIn(year, month)) throw outOfRange(value, 'day');
  const epochSeconds = Date.UTC(year, month - 1, day, hour, minute, second) / 1000 - offsetMinutes * 60;
  return { epochSeconds, micros };
}

function iso(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().slice(0, 19);
}

/** metav1.Time as kube-apiserver writes it: UTC, whole seconds. */
export function formatTime(t: GoTime): string {
  return `${iso(t.epochSeconds)}Z`;
}

/** metav1.MicroTime as kube-apiserver writes it: UTC, six fractional digits. */
export function formatMicroTime(t: GoTime): string {
  return `${iso(t.epochSeconds)}.${String(t.micros).padStart(6, '0')}Z`;
}

/** The current time as a MicroTime string. */
export function nowMicroTime(date = new Date()): string {
  return `${date.toISOString().slice(0, 23)}000Z`;
}
