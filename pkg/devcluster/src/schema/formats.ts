/**
 * String formats that kube-apiserver checks for CRDs (the kube-openapi strfmt registry after
 * StripUnsupportedFormatsPostProcess). Formats not listed here are accepted unchecked, as there.
 */
import { isIP } from 'node:net';

const uuidRe = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const uuidVersion = (v: string) => new RegExp(`^[0-9a-f]{8}-?[0-9a-f]{4}-?${v}[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$`, 'i');
const hostnameRe = /^([a-zA-Z0-9\p{S}\p{L}]((-?[a-zA-Z0-9\p{S}\p{L}]{0,62})?)|([a-zA-Z0-9\p{S}\p{L}](([a-zA-Z0-9-\p{S}\p{L}]{0,61}[a-zA-Z0-9\p{S}\p{L}])?)(\.)){1,}([a-zA-Z\p{L}]){2,63})$/u;
const dateRe = /^(\d{4})-(\d{2})-(\d{2})$/;
const dateTimeRe =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:[Zz]|[+-]\d{2}:?\d{2})?$/;
const macRe = /^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$|^([0-9a-fA-F]{2}[:-]){7}[0-9a-fA-F]{2}$|^([0-9a-fA-F]{4}\.){2}[0-9a-fA-F]{4}$/;
const base64Re = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const durationRe = /^(?:[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h|d|w))+$|^[-+]?0$/;
const emailRe = /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+$/;

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d <= days[m - 1];
}

const checkers: Record<string, (s: string) => boolean> = {
  uuid: (s) => uuidRe.test(s),
  uuid3: (s) => uuidVersion('3').test(s),
  uuid4: (s) => uuidVersion('4').test(s),
  uuid5: (s) => uuidVersion('5').test(s),
  bsonobjectid: (s) => /^[0-9a-fA-F]{24}$/.test(s),
  byte: (s) => base64Re.test(s),
  date: (s) => {
    const m = dateRe.exec(s);
    return !!m && validDate(+m[1], +m[2], +m[3]);
  },
  'date-time': (s) => {
    const m = dateTimeRe.exec(s);
    return !!m && validDate(+m[1], +m[2], +m[3]) && +m[4] < 24 && +m[5] < 60 && (m[6] === undefined || +m[6] < 61);
  },
  duration: (s) => durationRe.test(s),
  hostname: (s) => s.length <= 255 && hostnameRe.test(s),
  email: (s) => emailRe.test(s),
  ipv4: (s) => isIP(s) === 4,
  ipv6: (s) => isIP(s) === 6,
  cidr: (s) => {
    const [ip, bits, extra] = s.split('/');
    if (extra !== undefined || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
    const v = isIP(ip);
    return v !== 0 && +bits <= (v === 4 ? 32 : 128);
  },
  mac: (s) => macRe.test(s),
  uri: (s) => {
    try {
      new URL(s);
      return true;
    } catch {
      return false;
    }
  },
  hexcolor: (s) => /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(s),
  rgbcolor: (s) => /^rgb\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*\)$/.test(s),
};
checkers.datetime = checkers['date-time'];

/** True when `format` is one the API server checks and `value` does not conform. */
export function violatesFormat(format: string, value: string): boolean {
  const check = checkers[format];
  return check !== undefined && !check(value);
}

/** The formats the API server knows (others are stripped from CRD schemas before validation). */
export const knownFormats = new Set([
  ...Object.keys(checkers),
  'password', 'isbn', 'isbn10', 'isbn13', 'creditcard', 'ssn', 'int32', 'int64', 'float', 'double',
]);
