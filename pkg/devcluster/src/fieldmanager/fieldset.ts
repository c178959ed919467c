/**
 * Sets of field paths, as structured-merge-diff keeps them for managedFields: a trie whose path
 * elements are written the way FieldsV1 writes them (`f:name`, `k:{"name":"a"}`, `v:"x"`, `i:0`).
 * A path is a member of the set when its last element is a member of its parent's node.
 */

export type PathElement = string;
export type FieldPath = readonly PathElement[];

const KIND_ORDER: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

/** structured-merge-diff's order of path elements: fields, then keys, then values, then indexes. */
export function comparePathElements(a: PathElement, b: PathElement): number {
  const ka = KIND_ORDER[a[0]] ?? 9;
  const kb = KIND_ORDER[b[0]] ?? 9;
  if (ka !== kb) return ka - kb;
  if (a[0] === 'i') return Number(a.slice(2)) - Number(b.slice(2));
  return a < b ? -1 : a > b ? 1 : 0;
}

export class FieldSet {
  readonly members = new Set<PathElement>();
  readonly children = new Map<PathElement, FieldSet>();

  static fromPaths(paths: Iterable<FieldPath>): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  insert(path: FieldPath): void {
    if (path.length === 0) return;
    const parent = path.slice(0, -1).reduce<FieldSet>((node, pe) => node.descend(pe), this);
    parent.members.add(path[path.length - 1]);
  }

  /** The child node for a path element, created when absent. */
  descend(pe: PathElement): FieldSet {
    let child = this.children.get(pe);
    if (!child) this.children.set(pe, (child = new FieldSet()));
    return child;
  }

  has(path: FieldPath): boolean {
    if (path.length === 0) return false;
    const parent = path.slice(0, -1).reduce<FieldSet | undefined>((node, pe) => node?.children.get(pe), this);
    return !!parent && parent.members.has(path[path.length - 1]);
  }

  /** The subset below one path element (paths without that first element). */
  withPrefix(pe: PathElement): FieldSet | undefined {
    return this.children.get(pe);
  }

  isEmpty(): boolean {
    if (this.members.size > 0) return false;
    for (const c of this.children.values()) if (!c.isEmpty()) return false;
    return true;
  }

  clone(): FieldSet {
    const s = new FieldSet();
    for (const m of this.members) s.members.add(m);
    for (const [pe, c] of this.children) s.children.set(pe, c.clone());
    return s;
  }

  union(other: FieldSet): FieldSet {
    const s = this.clone();
    s.addAll(other);
    return s;
  }

  private addAll(other: FieldSet): void {
    for (const m of other.members) this.members.add(m);
    for (const [pe, c] of other.children) this.descend(pe).addAll(c);
  }

  /** Paths in this set that are not in `other` (path by path, not by prefix). */
  difference(other: FieldSet): FieldSet {
    const s = new FieldSet();
    for (const m of this.members) if (!other.members.has(m)) s.members.add(m);
    for (const [pe, c] of this.children) {
      const o = other.children.get(pe);
      const d = o ? c.difference(o) : c.clone();
      if (!d.isEmpty()) s.children.set(pe, d);
    }
    return s;
  }

  /** Paths in this set none of whose prefixes (nor themselves) are in `other`. */
  recursiveDifference(other: FieldSet): FieldSet {
    const s = new FieldSet();
    for (const m of this.members) if (!other.members.has(m)) s.members.add(m);
    for (const [pe, c] of this.children) {
      if (other.members.has(pe)) continue;
      const o = other.children.get(pe);
      const d = o ? c.recursiveDifference(o) : c.clone();
      if (!d.isEmpty()) s.children.set(pe, d);
    }
    return s;
  }

  intersection(other: FieldSet): FieldSet {
    const s = new FieldSet();
    for (const m of this.members) if (other.members.has(m)) s.members.add(m);
    for (const [pe, c] of this.children) {
      const o = other.children.get(pe);
      if (!o) continue;
      const i = c.intersection(o);
      if (!i.isEmpty()) s.children.set(pe, i);
    }
    return s;
  }

  /** Every member path: this level's members first, then each child's, in path-element order. */
  paths(prefix: PathElement[] = []): PathElement[][] {
    const out: PathElement[][] = [];
    for (const m of [...this.members].sort(comparePathElements)) out.push([...prefix, m]);
    for (const pe of [...this.children.keys()].sort(comparePathElements)) {
      out.push(...(this.children.get(pe) as FieldSet).paths([...prefix, pe]));
    }
    return out;
  }

  /** The FieldsV1 JSON object. */
  toFieldsV1(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const keys = new Set<PathElement>([...this.members, ...this.children.keys()]);
    for (const pe of [...keys].sort(comparePathElements)) {
      const child = this.children.get(pe);
      const nested = child && !child.isEmpty() ? child.toFieldsV1() : {};
      if (this.members.has(pe) && child && !child.isEmpty()) out[pe] = { '.': {}, ...nested };
      else if (this.members.has(pe)) out[pe] = {};
      else if (child && !child.isEmpty()) out[pe] = nested;
    }
    return out;
  }

  static fromFieldsV1(json: unknown): FieldSet {
    const s = new FieldSet();
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return s;
    for (const [pe, v] of Object.entries(json as Record<string, unknown>)) {
      if (pe === '.') continue;
      const nested = (v ?? {}) as Record<string, unknown>;
      const keys = Object.keys(nested);
      if (keys.length === 0 || keys.includes('.')) s.members.add(pe);
      const child = FieldSet.fromFieldsV1(nested);
      if (!child.isEmpty()) s.children.set(pe, child);
    }
    return s;
  }
}

/** One path element as `Path.String()` prints it in conflict messages: `.spec`, `[name="a"]`, `[="x"]`, `[0]`. */
export function pathElementText(pe: PathElement): string {
  const body = pe.slice(2);
  switch (pe[0]) {
    case 'f':
      return `.${body}`;
    case 'k': {
      const keys = JSON.parse(body) as Record<string, unknown>;
      return `[${Object.keys(keys)
        .map((k) => `${k}=${toValueString(keys[k])}`)
        .join(',')}]`;
    }
    case 'v':
      return `[=${toValueString(JSON.parse(body))}]`;
    default:
      return `[${body}]`;
  }
}

function toValueString(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? 'null';
}

export function pathText(path: FieldPath): string {
  return path.map(pathElementText).join('');
}

export function fieldPE(name: string): PathElement {
  return `f:${name}`;
}
