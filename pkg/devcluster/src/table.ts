import { evaluateJsonPath } from './jsonpath';
import type { PrinterColumn, ResourceType } from './registry';
import type { KObject } from './store';

/** k8s.io/apimachinery duration.HumanDuration: the AGE format kubectl users know ("5m", "3h2m", "12d"). */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const d = Math.floor(hours / 24) % 365;
    return d === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${d}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

/** The AGE cell of a timestamp (`<unknown>` when absent, like kube-apiserver). */
export function age(timestamp: string | undefined, now: number): string {
  if (!timestamp) return '<unknown>';
  const t = Date.parse(timestamp);
  return Number.isNaN(t) ? '<invalid>' : humanDuration(now - t);
}

const NAME_COLUMN = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  priority: 0,
};

/** The columns a CRD version without additionalPrinterColumns gets. */
export const DEFAULT_CRD_COLUMNS: PrinterColumn[] = [
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
];

function cellFromJsonPath(column: PrinterColumn, obj: KObject, now: number): unknown {
  const results = evaluateJsonPath(obj, column.jsonPath ?? '');
  if (results.length === 0 || results[0] === undefined || results[0] === null) return null;
  const value = results[0];
  switch (column.type) {
    case 'string':
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date':
      return typeof value === 'string' ? age(value, now) : null;
  }
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/**
 * A `meta.k8s.io/v1 Table` for objects of one kind: NAME first, then the kind's columns (priority > 0
 * columns are the ones `-o wide` shows). Cells are computed from the stored form; `convert` turns it
 * into the requested version for the row objects. Rows carry PartialObjectMetadata by default so kubectl can
 * add the NAMESPACE column and labels itself.
 */
export function buildTable(
  type: ResourceType,
  objects: KObject[],
  options: { now?: number; includeObject?: IncludeObject; resourceVersion?: string; continueToken?: string; convert?: (obj: KObject) => KObject; apiVersion?: string } = {},
): Record<string, unknown> {
  const apiVersion = options.apiVersion ?? 'meta.k8s.io/v1';
  const now = options.now ?? Date.now();
  const include = options.includeObject ?? 'Metadata';
  const columns = type.columns;
  const metadata: Record<string, unknown> = {};
  if (options.resourceVersion) metadata.resourceVersion = options.resourceVersion;
  if (options.continueToken) metadata.continue = options.continueToken;
  const table: Record<string, unknown> = { kind: 'Table', apiVersion, metadata };
  const nameFirst = !columns.some((c) => c.format === 'name');
  const definitions = columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 }));
  table.columnDefinitions = nameFirst ? [NAME_COLUMN, ...definitions] : definitions;
  table.rows = objects.map((obj) => {
    const cells = columns.map((c) => (c.cell ? c.cell(obj, now) : cellFromJsonPath(c, obj, now)));
    if (nameFirst) cells.unshift(obj.metadata.name);
    const row: Record<string, unknown> = { cells };
    if (include === 'Object') row.object = options.convert ? options.convert(obj) : obj;
    else if (include === 'Metadata') row.object = { kind: 'PartialObjectMetadata', apiVersion, metadata: obj.metadata };
    else row.object = null;
    return row;
  });
  return table;
}
