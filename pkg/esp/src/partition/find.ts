import { partitionSubtypeFromName, partitionTypeFromName } from './names';
import type { PartitionEntry, PartitionTable } from './types';

/** What to look for: every given field must match. Types and subtypes may be numbers or names. */
export interface PartitionQuery {
  label?: string;
  type?: number | string;
  subtype?: number | string;
}

/** All entries matching the query, in table order. Unknown type or subtype names match nothing. */
export function findPartitions(table: PartitionTable, query: PartitionQuery): PartitionEntry[] {
  return table.entries.filter((entry) => {
    if (query.label !== undefined && entry.label !== query.label) return false;
    if (query.type !== undefined) {
      const type = typeof query.type === 'number' ? query.type : partitionTypeFromName(query.type);
      if (entry.type !== type) return false;
    }
    if (query.subtype !== undefined) {
      const subtype = typeof query.subtype === 'number' ? query.subtype : partitionSubtypeFromName(entry.type, query.subtype);
      if (entry.subtype !== subtype) return false;
    }
    return true;
  });
}

/**
 * The first entry matching the query (e.g. `{ label: 'config' }` or `{ type: 'data', subtype: 'nvs' }`),
 * or undefined.
 */
export function findPartition(table: PartitionTable, query: PartitionQuery): PartitionEntry | undefined {
  return findPartitions(table, query)[0];
}
