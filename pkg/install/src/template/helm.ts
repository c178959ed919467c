// Writes install documents as a Helm template: literal parts as YAML, expressions as template actions over
// `$.Values` and `$.Release.Namespace`, `when` as `{{- if }}` blocks and repeated documents as `{{- range }}`.
// Only the constructs of expr.ts are emitted, so the result stays a readable template with few conditionals.
import { dump } from 'js-yaml';
import {
  CurrentItem,
  Format,
  Join,
  MergeMap,
  ReleaseNamespace,
  ValueRef,
  When,
  type Condition,
  type Document,
  type Node,
  type ScalarExpr,
  type ValuesPath,
} from './expr';

/** The kind of value at a values path, from the values schema. */
export type ValueKind = 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object';

/** Looks up what a values path holds; throws for a path the schema does not declare. */
export type ValueKindLookup = (path: ValuesPath) => ValueKind;

/** Thrown for a document the template writer cannot express (a bug in a component, found by the generator). */
export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

const ITEM_VARIABLE = '$item';
const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

function valuesRef(path: ValuesPath): string {
  for (const part of path.split('.')) {
    if (!KEY.test(part)) throw new TemplateError(`values path ${path}: "${part}" cannot be used in a Go template field chain`);
  }
  return `$.Values.${path}`;
}

/** Text outside actions must not open one: `{{` becomes `{{ "{{" }}`. */
function escapeText(text: string): string {
  return text.replace(/\{\{/g, '{{ "{{" }}');
}

function condition(c: Condition): string {
  if ('truthy' in c) return valuesRef(c.truthy);
  if ('not' in c) return `not (${condition(c.not)})`;
  if ('or' in c) return `or ${c.or.map((x) => `(${condition(x)})`).join(' ')}`;
  return `and ${c.and.map((x) => `(${condition(x)})`).join(' ')}`;
}

class Writer {
  constructor(private readonly kindOf: ValueKindLookup) {}

  /** The Go template operand of a scalar expression. */
  private operand(expr: ScalarExpr): string {
    if (expr instanceof ValueRef) return valuesRef(expr.path);
    if (expr instanceof ReleaseNamespace) return '$.Release.Namespace';
    if (expr instanceof CurrentItem) return ITEM_VARIABLE;
    return `(join ${JSON.stringify(expr.separator)} ${valuesRef((expr as Join).path)})`;
  }

  /** The action writing a scalar expression as a YAML scalar (strings quoted, numbers and booleans bare). */
  private scalarAction(expr: ScalarExpr | Format): string {
    if (expr instanceof Format) {
      const fmt = expr.parts.map((p) => (typeof p === 'string' ? p.replace(/%/g, '%%') : '%v')).join('');
      const args = expr.parts.filter((p): p is ScalarExpr => typeof p !== 'string').map((p) => this.operand(p));
      return `{{ printf ${JSON.stringify(fmt)} ${args.join(' ')} | quote }}`;
    }
    if (expr instanceof ValueRef) {
      const kind = this.kindOf(expr.path);
      if (kind === 'array' || kind === 'object') throw new TemplateError(`values path ${expr.path} holds a ${kind}; it cannot stand where a scalar goes`);
      return kind === 'string' ? `{{ ${valuesRef(expr.path)} | quote }}` : `{{ ${valuesRef(expr.path)} }}`;
    }
    return `{{ ${this.operand(expr)} | quote }}`;
  }

  private literalScalar(value: string | number | boolean | null): string {
    const text = dump(value, { lineWidth: -1, quotingType: '"' }).replace(/\n$/, '');
    return escapeText(text);
  }

  private isStructure(node: Node): node is ValueRef {
    if (!(node instanceof ValueRef)) return false;
    const kind = this.kindOf(node.path);
    return kind === 'array' || kind === 'object';
  }

  /** Lines of `key: node` at `indent`. */
  entry(key: string, node: Node, indent: number): string[] {
    const sp = ' '.repeat(indent);
    const k = this.literalScalar(key);
    if (node instanceof When) return this.conditional(node, indent, (n) => this.entry(key, n, indent));
    if (node instanceof MergeMap) {
      if (Object.keys(node.base).length === 0) throw new TemplateError(`${key}: a merged map needs literal entries (use v('${node.path}') alone instead)`);
      return [
        `${sp}${k}:`,
        ...this.mapEntries(node.base, indent + 2),
        `${sp}  {{- with ${valuesRef(node.path)} }}`,
        `${sp}  {{- toYaml . | nindent ${indent + 2} }}`,
        `${sp}  {{- end }}`,
      ];
    }
    if (this.isStructure(node)) return [`${sp}${k}:`, `${sp}  {{- toYaml ${valuesRef(node.path)} | nindent ${indent + 2} }}`];
    if (node instanceof ValueRef || node instanceof ReleaseNamespace || node instanceof CurrentItem || node instanceof Join || node instanceof Format) {
      return [`${sp}${k}: ${this.scalarAction(node)}`];
    }
    if (typeof node === 'string' && node.includes('\n')) return [`${sp}${k}: ${this.blockHeader(node)}`, ...this.blockLines(node, indent + 2)];
    if (node === null || typeof node !== 'object') return [`${sp}${k}: ${this.literalScalar(node)}`];
    if (Array.isArray(node)) return node.length === 0 ? [`${sp}${k}: []`] : [`${sp}${k}:`, ...this.listItems(node, indent + 2)];
    if (Object.keys(node).length === 0) return [`${sp}${k}: {}`];
    this.requireUnconditionalEntry(key, node);
    return [`${sp}${k}:`, ...this.mapEntries(node, indent + 2)];
  }

  /** A map whose entries are all conditional would come out as null when none holds: make the map conditional. */
  private requireUnconditionalEntry(key: string, map: { [key: string]: Node }): void {
    if (Object.values(map).every((n) => n instanceof When && n.otherwise === undefined)) {
      throw new TemplateError(`${key}: every entry is conditional; put the condition on ${key} itself`);
    }
  }

  mapEntries(map: { [key: string]: Node }, indent: number): string[] {
    return Object.entries(map).flatMap(([key, node]) => this.entry(key, node, indent));
  }

  private listItems(items: Node[], indent: number): string[] {
    const sp = ' '.repeat(indent);
    return items.flatMap((node): string[] => {
      if (node instanceof When) return this.conditional(node, indent, (n) => this.listItems([n], indent));
      if (node instanceof MergeMap || this.isStructure(node) || Array.isArray(node)) {
        throw new TemplateError('a list item must be a scalar, a scalar expression or a map');
      }
      if (node instanceof ValueRef || node instanceof ReleaseNamespace || node instanceof CurrentItem || node instanceof Join || node instanceof Format) {
        return [`${sp}- ${this.scalarAction(node)}`];
      }
      if (typeof node === 'string' && node.includes('\n')) return [`${sp}- ${this.blockHeader(node)}`, ...this.blockLines(node, indent + 2)];
      if (node === null || typeof node !== 'object') return [`${sp}- ${this.literalScalar(node)}`];
      if (Object.keys(node).length === 0) return [`${sp}- {}`];
      this.requireUnconditionalEntry('list item', node);
      const lines = this.mapEntries(node, indent + 2);
      const first = lines[0];
      // `- key: value` on one line when the first entry is plain YAML; else a bare `-` and the entries below it.
      if (first.startsWith(`${sp}  `) && !first.trimStart().startsWith('{{')) return [`${sp}- ${first.slice(indent + 2)}`, ...lines.slice(1)];
      return [`${sp}-`, ...lines];
    });
  }

  private conditional(node: When, indent: number, write: (n: Node) => string[]): string[] {
    const sp = ' '.repeat(indent);
    const lines = [`${sp}{{- if ${condition(node.condition)} }}`, ...write(node.then)];
    if (node.otherwise !== undefined) lines.push(`${sp}{{- else }}`, ...write(node.otherwise));
    lines.push(`${sp}{{- end }}`);
    return lines;
  }

  /** Block scalar header: literal style, keeping or stripping the final newline as the string has it. */
  private blockHeader(text: string): string {
    if (/^[ \t]/.test(text) || /[ \t]$/m.test(text)) throw new TemplateError('multi-line strings must not start with or end lines in whitespace');
    return text.endsWith('\n') ? '|' : '|-';
  }

  private blockLines(text: string, indent: number): string[] {
    const sp = ' '.repeat(indent);
    const body = text.endsWith('\n') ? text.slice(0, -1) : text;
    return body.split('\n').map((line) => (line === '' ? '' : `${sp}${escapeText(line)}`));
  }
}

/** One install document as Helm template text (starting with `---` inside its conditions). */
export function helmDocument(doc: Document, kindOf: ValueKindLookup): string {
  const writer = new Writer(kindOf);
  let lines = ['---', ...writer.mapEntries(doc.object, 0)];
  if (doc.each !== undefined) lines = [`{{- range ${ITEM_VARIABLE} := ${valuesRef(doc.each)} }}`, ...lines, '{{- end }}'];
  if (doc.when) lines = [`{{- if ${condition(doc.when)} }}`, ...lines, '{{- end }}'];
  return `${lines.join('\n')}\n`;
}

/** A template file of documents, after a comment header. */
export function helmTemplate(header: string, documents: readonly Document[], kindOf: ValueKindLookup): string {
  const comment = header.split('\n').map((l) => `# ${l}`.trimEnd()).join('\n');
  return `${comment}\n${documents.map((d) => helmDocument(d, kindOf)).join('')}`;
}
