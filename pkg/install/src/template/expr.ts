// The object model the install components are written in: plain Kubernetes objects in which some values are
// expressions over the chart's values (`v('operator.replicas')`), the release namespace or the current item of a
// repeated document. Two renderers read it: `plain.ts` evaluates it against concrete values (kubeflash manifests),
// `helm.ts` writes it as a Helm template. Only the constructs below exist, so both renderers cover all of them.

/** A dotted path into the chart's values, e.g. `operator.logLevel`. */
export type ValuesPath = string;

/** A condition over values, with Go template truthiness (false, 0, "", empty list or map, null are false). */
export type Condition = { truthy: ValuesPath } | { not: Condition } | { and: Condition[] } | { or: Condition[] };

/** A value taken from the chart's values: a scalar, or a whole list or map. */
export class ValueRef {
  constructor(readonly path: ValuesPath) {}
}

/** The namespace the release is installed into (`.Release.Namespace`, `kubeflash manifests --namespace`). */
export class ReleaseNamespace {
  readonly expression = 'release-namespace';
}

/** The current item of a document repeated over a values list (`Document.each`). */
export class CurrentItem {
  readonly expression = 'current-item';
}

/** The items of a values list joined into one string. */
export class Join {
  constructor(
    readonly path: ValuesPath,
    readonly separator: string,
  ) {}
}

/** A string made of literal parts and scalar expressions. */
export class Format {
  constructor(readonly parts: readonly (string | ScalarExpr)[]) {}
}

/**
 * A value present only when `condition` holds: a map entry or list item is left out when it does not and there
 * is no `otherwise`.
 */
export class When {
  constructor(
    readonly condition: Condition,
    readonly then: Node,
    readonly otherwise?: Node,
  ) {}
}

/** A map of literal entries followed by the entries of a map from the values (labels, annotations). */
export class MergeMap {
  constructor(
    readonly base: { [key: string]: Node },
    readonly path: ValuesPath,
  ) {}
}

/** Expressions that evaluate to one scalar. */
export type ScalarExpr = ValueRef | ReleaseNamespace | CurrentItem | Join;
/** Every expression. */
export type Expr = ScalarExpr | Format | When | MergeMap;
/** A node of an object: literal JSON or an expression. */
export type Node = string | number | boolean | null | Node[] | { [key: string]: Node } | Expr;

/** One Kubernetes object of a component, optionally conditional or repeated for each item of a values list. */
export interface Document {
  object: { [key: string]: Node };
  /** Present only when this holds. */
  when?: Condition;
  /** One copy per item of this values list; `item()` inside `object` is the item. */
  each?: ValuesPath;
}

/** A value from the chart's values. */
export const v = (path: ValuesPath): ValueRef => new ValueRef(path);
/** The release namespace. */
export const releaseNamespace = (): ReleaseNamespace => new ReleaseNamespace();
/** The current item of a repeated document. */
export const item = (): CurrentItem => new CurrentItem();
/** A values list joined by `separator`. */
export const join = (path: ValuesPath, separator: string): Join => new Join(path, separator);
/** A string template: `format\`--log-level=${v('operator.logLevel')}\`` (plain strings inside are literal text). */
export const format = (literals: TemplateStringsArray, ...exprs: (ScalarExpr | string)[]): Format => {
  const parts: (string | ScalarExpr)[] = [];
  const push = (part: string | ScalarExpr): void => {
    const last = parts[parts.length - 1];
    if (typeof part === 'string' && typeof last === 'string') parts[parts.length - 1] = last + part;
    else if (part !== '') parts.push(part);
  };
  literals.forEach((literal, i) => {
    push(literal);
    if (i < exprs.length) push(exprs[i]);
  });
  return new Format(parts);
};
/** A node present only when `condition` holds (else `otherwise`, if given). */
export const when = (condition: Condition, then: Node, otherwise?: Node): When => new When(condition, then, otherwise);
/** Literal map entries followed by a map from the values. */
export const mergeMap = (base: { [key: string]: Node }, path: ValuesPath): MergeMap => new MergeMap(base, path);
/** Condition: the value at `path` is set (true, non-zero, non-empty). */
export const isSet = (path: ValuesPath): Condition => ({ truthy: path });
/** Condition: the value at `path` is unset (false, zero, empty). */
export const isUnset = (path: ValuesPath): Condition => ({ not: { truthy: path } });
/** Condition: all of `conditions` hold. */
export const allOf = (...conditions: Condition[]): Condition => ({ and: conditions });
/** Condition: at least one of `conditions` holds. */
export const anyOf = (...conditions: Condition[]): Condition => ({ or: conditions });
/** Condition: `condition` does not hold. */
export const not = (condition: Condition): Condition => ({ not: condition });

/** True for scalar expressions. */
export function isScalarExpr(node: unknown): node is ScalarExpr {
  return node instanceof ValueRef || node instanceof ReleaseNamespace || node instanceof CurrentItem || node instanceof Join;
}

/** True for any expression. */
export function isExpr(node: unknown): node is Expr {
  return isScalarExpr(node) || node instanceof Format || node instanceof When || node instanceof MergeMap;
}

/** Every values path a condition reads. */
export function conditionPaths(condition: Condition): ValuesPath[] {
  if ('truthy' in condition) return [condition.truthy];
  if ('not' in condition) return conditionPaths(condition.not);
  if ('or' in condition) return condition.or.flatMap(conditionPaths);
  return condition.and.flatMap(conditionPaths);
}

/** Every values path a node reads (for the check that each one exists in the values schema). */
export function nodePaths(node: Node | undefined): ValuesPath[] {
  if (node === undefined || node === null || typeof node !== 'object') return [];
  if (node instanceof ValueRef || node instanceof Join) return [node.path];
  if (node instanceof ReleaseNamespace || node instanceof CurrentItem) return [];
  if (node instanceof Format) return node.parts.flatMap((p) => (typeof p === 'string' ? [] : nodePaths(p)));
  if (node instanceof When) return [...conditionPaths(node.condition), ...nodePaths(node.then), ...nodePaths(node.otherwise)];
  if (node instanceof MergeMap) return [...nodePaths(node.base), node.path];
  if (Array.isArray(node)) return node.flatMap((n) => nodePaths(n));
  return Object.values(node).flatMap((n) => nodePaths(n));
}
