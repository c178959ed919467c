/**
 * A few functions of the Kubernetes CEL libraries (k8s.io/apiserver/pkg/cel/library) on top of
 * @bufbuild/cel's standard library and strings extension: lists (isSorted, sum, min, max,
 * indexOf, lastIndexOf), regex (find, findAll), urls (isURL) and CEL optionals (see cel-optional).
 */
import { CelScalar, celMethod, celFunc, listType, type CelFunc, type CelList } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { optionalFuncs } from './cel-optional';

type Scalar = bigint | number | string | boolean;

function compare(a: unknown, b: unknown): number {
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) {
    return Number(a) < Number(b) ? -1 : Number(a) > Number(b) ? 1 : 0;
  }
  if (typeof a === typeof b && (typeof a === 'string' || typeof a === 'boolean')) return a < (b as Scalar) ? -1 : a > (b as Scalar) ? 1 : 0;
  throw new Error(`no such overload: ${typeof a} < ${typeof b}`);
}

const items = (l: CelList) => [...l] as unknown[];

function extreme(list: CelList, sign: number): unknown {
  const xs = items(list);
  if (!xs.length) throw new Error('min/max called on an empty list');
  return xs.reduce((best, x) => (compare(x, best) * sign > 0 ? x : best));
}

function equal(a: unknown, b: unknown): boolean {
  try {
    return compare(a, b) === 0;
  } catch {
    return a === b;
  }
}

const LIST = listType(CelScalar.DYN);
const { BOOL, DYN, INT, STRING } = CelScalar;

const kubernetesFuncs: CelFunc[] = [
  celMethod('isSorted', LIST, [], BOOL, function () {
    const xs = items(this);
    return xs.every((x, i) => i === 0 || compare(xs[i - 1], x) <= 0);
  }),
  celMethod('sum', LIST, [], DYN, function () {
    const xs = items(this);
    if (xs.every((x) => typeof x === 'bigint')) return (xs as bigint[]).reduce((a, b) => a + b, 0n);
    return xs.reduce<number>((a, b) => a + Number(b), 0);
  }),
  celMethod('min', LIST, [], DYN, function () {
    return extreme(this, -1) as never;
  }),
  celMethod('max', LIST, [], DYN, function () {
    return extreme(this, 1) as never;
  }),
  celMethod('indexOf', LIST, [DYN], INT, function (x) {
    return BigInt(items(this).findIndex((y) => equal(x, y)));
  }),
  celMethod('lastIndexOf', LIST, [DYN], INT, function (x) {
    const xs = items(this);
    for (let i = xs.length - 1; i >= 0; i--) if (equal(x, xs[i])) return BigInt(i);
    return -1n;
  }),
  celMethod('find', STRING, [STRING], STRING, function (re) {
    return new RegExp(re, 'u').exec(this)?.[0] ?? '';
  }),
  celMethod('findAll', STRING, [STRING], listType(STRING), function (re) {
    return [...this.matchAll(new RegExp(re, 'gu'))].map((m) => m[0]);
  }),
  celMethod('findAll', STRING, [STRING, INT], listType(STRING), function (re, n) {
    const all = [...this.matchAll(new RegExp(re, 'gu'))].map((m) => m[0]);
    return n < 0n ? all : all.slice(0, Number(n));
  }),
  celFunc('isURL', [STRING], BOOL, (s) => {
    try {
      return new URL(s).protocol.length > 1;
    } catch {
      return false;
    }
  }),
];

/** The functions available to x-kubernetes-validations rules. */
export const celFuncs: CelFunc[] = [...strings, ...kubernetesFuncs, ...optionalFuncs];
