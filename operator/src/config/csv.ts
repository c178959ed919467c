import type { NvsEntry } from '@kubeflash/esp';

function quote(field: string): string {
  return /[",\n]/.test(field) || field !== field.trim() ? `"${field.replace(/"/g, '""')}"` : field;
}

/**
 * The entries as an nvs_partition_gen CSV (`key,type,encoding,value`): a namespace row before the first key of
 * each namespace, integers with their own encoding, bools as u8, strings as string, blobs as base64. Fed to
 * ESP-IDF's generator with the same partition size it gives the same bytes as `buildNvsImage(entries)`.
 * Each namespace's entries must be contiguous.
 */
export function toNvsCsv(entries: readonly NvsEntry[]): string {
  const lines = ['key,type,encoding,value'];
  let namespace: string | undefined;
  const seen = new Set<string>();
  for (const entry of entries) {
    if (entry.namespace !== namespace) {
      // nvs_partition_gen writes later keys of a re-listed namespace under the last created one.
      if (seen.has(entry.namespace)) throw new Error(`toNvsCsv: namespace ${entry.namespace} appears twice; keep each namespace's entries together`);
      seen.add(entry.namespace);
      namespace = entry.namespace;
      lines.push(`${namespace},namespace,,`);
    }
    if (entry.type === 'string') lines.push(`${entry.key},data,string,${quote(entry.value)}`);
    else if (entry.type === 'blob') lines.push(`${entry.key},data,base64,${Buffer.from(entry.value).toString('base64')}`);
    else lines.push(`${entry.key},data,${entry.type},${entry.value.toString()}`);
  }
  return `${lines.join('\n')}\n`;
}
