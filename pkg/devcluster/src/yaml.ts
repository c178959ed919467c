/**
 * YAML responses (`Accept: application/yaml`) as kube-apiserver writes them: its JSON converted to
 * YAML the way sigs.k8s.io/yaml does (go-yaml v2): keys sorted, block style with sequences at
 * their key's indentation, strings quoted only when a plain scalar would read as something else.
 */

const NON_STRING_PLAIN = [
  /^(~|null|Null|NULL)$/,
  /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^[-+]?(0b[01_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)$/,
  /^[-+]?([0-9][0-9_]*)(:[0-5]?[0-9])+(\.[0-9_]*)?$/,
  /^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$/,
  /^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$/,
  /^\d{4}-\d{1,2}-\d{1,2}([Tt ]\d{1,2}:\d{2}:\d{2}(\.\d*)?\s*(Z|[-+]\d{1,2}(:?\d{2})?)?)?$/,
];

/** Whether go-yaml's emitter may write the string as a plain scalar. */
function plainAllowed(s: string): boolean {
  if (s === '') return false;
  if (/^\s|\s$/.test(s) || /[\n\r\t]/.test(s)) return false;
  if (/^[-?:](\s|$)/.test(s)) return false;
  if (/^[,[\]{}#&*!|>'"%@`]/.test(s)) return false;
  if (/: |:$| #/.test(s)) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(s)) return false;
  return true;
}

function quoteDouble(s: string): string {
  return JSON.stringify(s);
}

function quoteSingle(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function scalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  const s = String(v);
  if (NON_STRING_PLAIN.some((re) => re.test(s))) return quoteDouble(s);
  if (plainAllowed(s)) return s;
  if (/[\n\r]/.test(s) || /[^\x20-\x7e]/.test(s)) return quoteDouble(s);
  return quoteSingle(s);
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function emit(v: unknown, indent: string, out: string[]): void {
  if (isMap(v)) {
    for (const key of Object.keys(v).sort()) {
      const child = v[key];
      const k = scalar(key);
      if (isMap(child) && Object.keys(child).length > 0) {
        out.push(`${indent}${k}:`);
        emit(child, `${indent}  `, out);
      } else if (Array.isArray(child) && child.length > 0) {
        out.push(`${indent}${k}:`);
        emit(child, indent, out);
      } else {
        out.push(`${indent}${k}: ${inline(child)}`);
      }
    }
    return;
  }
  if (Array.isArray(v)) {
    for (const item of v) {
      if (isMap(item) && Object.keys(item).length > 0) {
        const lines: string[] = [];
        emit(item, `${indent}  `, lines);
        lines[0] = `${indent}- ${lines[0].slice(indent.length + 2)}`;
        out.push(...lines);
      } else if (Array.isArray(item) && item.length > 0) {
        const lines: string[] = [];
        emit(item, `${indent}  `, lines);
        lines[0] = `${indent}- ${lines[0].slice(indent.length + 2)}`;
        out.push(...lines);
      } else {
        out.push(`${indent}- ${inline(item)}`);
      }
    }
    return;
  }
  out.push(`${indent}${inline(v)}`);
}

function inline(v: unknown): string {
  if (isMap(v)) return '{}';
  if (Array.isArray(v)) return '[]';
  return scalar(v);
}

/** The YAML document of a JSON value. */
export function toGoYaml(value: unknown): string {
  const out: string[] = [];
  emit(value, '', out);
  return `${out.join('\n')}\n`;
}
