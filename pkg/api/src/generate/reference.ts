import { CATEGORY, type KindDefinition } from '../v1alpha1/common';
import { GENERATED_HEADER, crdFor } from './crd';
import type { DocumentedConstant } from './constant-docs';
import type { StructuralSchema } from './structural';

/** Condition types and reasons of a kind, with their doc comments. */
export interface KindConstants {
  conditionTypes: DocumentedConstant[];
  reasons: DocumentedConstant[];
}

/** Table cell text: pipes escaped, one line, and `<` outside code spans escaped so it is not taken for HTML. */
const cell = (text: string): string =>
  text
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ')
    .split('`')
    .map((part, i) => (i % 2 === 0 ? part.replace(/</g, '&lt;') : part))
    .join('`');
const code = (text: string): string => `\`${text}\``;

function typeName(node: StructuralSchema): string {
  if (node['x-kubernetes-int-or-string']) return 'int or string';
  if (node.type === 'array' && node.items) return `[]${typeName(node.items)}`;
  if (node.type === 'object' && node.additionalProperties) return `map[string]${typeName(node.additionalProperties)}`;
  return node.type ?? 'any';
}

function range(min: number | undefined, max: number | undefined, what: string): string | undefined {
  if (min === undefined && max === undefined) return undefined;
  if (min !== undefined && max !== undefined) return `${what} ${min}..${max}`;
  return min !== undefined ? `${what} ≥ ${min}` : `${what} ≤ ${max}`;
}

function valueLimits(node: StructuralSchema): string[] {
  const limits: (string | undefined)[] = [
    node.enum ? `one of ${node.enum.map((v) => code(String(v))).join(', ')}` : undefined,
    node.pattern ? `pattern ${code(node.pattern)}` : undefined,
    node.format && !node.format.startsWith('int') ? `format ${node.format}` : undefined,
    range(node.minLength, node.maxLength, 'length'),
    range(node.minimum, node.maximum, 'value'),
    range(node.minItems, node.maxItems, 'items'),
    range(node.minProperties, node.maxProperties, 'entries'),
    node['x-kubernetes-list-type'] === 'map' ? `unique by ${node['x-kubernetes-list-map-keys']?.join(', ')}` : undefined,
    node['x-kubernetes-list-type'] === 'set' ? 'unique values' : undefined,
  ];
  for (const v of node['x-kubernetes-validations'] ?? []) limits.push(`rule: ${v.message ?? v.rule}`);
  return limits.filter((l): l is string => l !== undefined);
}

function limitsOf(node: StructuralSchema, required: boolean): string {
  const limits = [required ? '**required**' : undefined, ...valueLimits(node)];
  const element = node.items ?? node.additionalProperties;
  if (element && !element.properties) {
    const inner = valueLimits(element);
    if (inner.length > 0) limits.push(`${node.items ? 'each item' : 'each value'}: ${inner.join('; ')}`);
  }
  return limits.filter((l) => l !== undefined).join('; ');
}

function fieldRows(node: StructuralSchema, path: string, out: string[]): void {
  const required = new Set(node.required ?? []);
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const fieldPath = path ? `${path}.${name}` : name;
    const defaultText = child.default === undefined ? '' : code(JSON.stringify(child.default));
    out.push(
      `| ${cell(code(fieldPath))} | ${cell(typeName(child))} | ${cell(defaultText)} | ${cell(limitsOf(child, required.has(name)))} | ${cell(child.description ?? '')} |`,
    );
    if (child.properties) fieldRows(child, fieldPath, out);
    if (child.items?.properties) fieldRows(child.items, `${fieldPath}[]`, out);
    if (child.additionalProperties?.properties) fieldRows(child.additionalProperties, `${fieldPath}.<key>`, out);
  }
}

function fieldTable(root: StructuralSchema, path: string): string[] {
  const out = ['| Field | Type | Default | Limits | Description |', '|---|---|---|---|---|'];
  fieldRows(root, path, out);
  return out;
}

function kindSection(def: KindDefinition, constants: KindConstants): string[] {
  const crd = crdFor(def);
  const version = crd.spec.versions[0];
  const schema = version.schema.openAPIV3Schema;
  const { kind, plural, singular, shortNames, apiVersion } = def.names;
  const lines = [
    `## ${kind}`,
    '',
    def.description,
    '',
    `\`apiVersion: ${apiVersion}\`, namespaced; \`kubectl get ${plural}\` (singular \`${singular}\`, short ` +
      `${shortNames.map(code).join(', ')}, category \`${CATEGORY}\`); CRD \`${crd.metadata.name}\`; status subresource.`,
    '',
    '### Columns of `kubectl get`',
    '',
    '| Column | JSONPath | Shown |',
    '|---|---|---|',
    ...version.additionalPrinterColumns.map(
      (c) => `| ${cell(c.name)} | ${cell(code(c.jsonPath))} | ${c.priority ? '`-o wide`' : 'always'} |`,
    ),
    '',
    '### spec',
    '',
    ...fieldTable(schema.properties?.spec ?? {}, 'spec'),
    '',
    '### status',
    '',
    ...fieldTable(schema.properties?.status ?? {}, 'status'),
  ];
  if (constants.conditionTypes.length > 0) {
    lines.push('', '### Conditions', '', '| Type | True when |', '|---|---|');
    for (const c of constants.conditionTypes) lines.push(`| ${code(c.value)} | ${cell(c.doc)} |`);
  }
  if (constants.reasons.length > 0) {
    lines.push('', '### Reasons (conditions and Events)', '', '| Reason | Meaning |', '|---|---|');
    for (const r of constants.reasons) lines.push(`| ${code(r.value)} | ${cell(r.doc)} |`);
  }
  return lines;
}

/** The whole CRD reference (docs/crd-reference.md) for the given kinds. */
export function referenceMarkdown(defs: readonly KindDefinition[], constantsOf: (def: KindDefinition) => KindConstants): string {
  const lines = [
    `<!-- ${GENERATED_HEADER} (source: pkg/api/src/v1alpha1/) -->`,
    '',
    '# kubeflash CRD reference (kubeflash.dev/v1alpha1)',
    '',
    'Every kind is namespaced and has a status subresource. `kubectl get kubeflash` lists objects of all kinds. ' +
      'Limits are enforced by the API server (OpenAPI schema and CEL rules); cross-object checks (a referenced ' +
      'class exists, a value fits its key type) show up as status conditions. Defaults are filled in by the API server.',
    '',
    '| Kind | `kubectl get` | Short names | Unambiguous name |',
    '|---|---|---|---|',
    ...defs.map(
      (d) =>
        `| [${d.names.kind}](#${d.names.kind.toLowerCase()}) | ${code(d.names.plural)} | ` +
        `${d.names.shortNames.map(code).join(', ')} | ${code(`${d.names.plural}.${d.names.group}`)} |`,
    ),
    '',
    'Plural names can clash with other APIs installed in the same cluster: `deviceclasses` with the ' +
      'DeviceClass of Kubernetes Dynamic Resource Allocation (resource.k8s.io), `rollouts` with Argo Rollouts. ' +
      'kubectl then may pick the other API; the short names and the full names above always mean kubeflash.',
    '',
  ];
  for (const def of defs) lines.push(...kindSection(def, constantsOf(def)), '');
  return lines.join('\n');
}
