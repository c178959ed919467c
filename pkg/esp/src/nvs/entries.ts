import { NVS_MAX_NAMESPACES } from './constants';
import { NvsInputError } from './errors';
import { isNvsIntegerType } from './integers';
import type { NvsBuildOptions, NvsEntry } from './types';
import { utf8Bytes } from './utf8';
import { writeNvsImage, type NvsWriteOp } from './writer';

/**
 * Builds an NVS image from typed entries. Namespaces get indices 1, 2, ... in order of first appearance and a
 * namespace entry is written just before its first key, so a list in CSV order gives the same bytes as the CSV.
 * Unlike the CSV generator, a namespace that reappears later keeps its own index.
 * @throws NvsInputError for a broken limit (key length, integer range, string size) or NvsSizeError
 */
export function buildNvsImage(entries: readonly NvsEntry[], options: NvsBuildOptions): Uint8Array {
  return writeNvsImage(nvsOpsFromEntries(entries), options);
}

/** Write operations for typed entries (see `buildNvsImage`). */
export function nvsOpsFromEntries(entries: readonly NvsEntry[]): NvsWriteOp[] {
  const ops: NvsWriteOp[] = [];
  const namespaces = new Map<string, number>();
  entries.forEach((entry, i) => {
    let nsIndex = namespaces.get(entry.namespace);
    if (nsIndex === undefined) {
      if (namespaces.size >= NVS_MAX_NAMESPACES) {
        throw new NvsInputError(`namespace "${entry.namespace}" is one too many; NVS allows at most ${NVS_MAX_NAMESPACES}`, {
          key: entry.namespace,
          limit: `${NVS_MAX_NAMESPACES} namespaces`,
        });
      }
      nsIndex = namespaces.size + 1;
      namespaces.set(entry.namespace, nsIndex);
      ops.push({ kind: 'namespace', index: nsIndex, key: entry.namespace });
    }
    const key = entry.key;
    if (isNvsIntegerType(entry.type)) {
      const v = entry.value as number | bigint;
      if (typeof v === 'number' && !Number.isSafeInteger(v)) {
        throw new NvsInputError(`value ${v} for key "${key}" (${entry.type}) is not a safe integer; use a bigint`, {
          key,
          limit: 'an integer',
        });
      }
      ops.push({ kind: 'integer', nsIndex, type: entry.type, value: v, key });
    } else if (entry.type === 'string') {
      ops.push({ kind: 'string', nsIndex, bytes: utf8Bytes(entry.value, 1), key });
    } else if (entry.type === 'blob') {
      ops.push({ kind: 'blob', nsIndex, bytes: entry.value, key });
    } else {
      throw new NvsInputError(`entry ${i} (key "${key}") has unknown type "${(entry as { type: string }).type}"`, { key });
    }
  });
  return ops;
}
