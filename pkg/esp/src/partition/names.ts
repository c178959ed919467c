import { PARTITION_SUBTYPES, PartitionType } from './constants';

const typeNames = new Map<number, string>(Object.entries(PartitionType).map(([name, value]) => [value, name]));

/** Name of a partition type byte (`app`, `data`, `bootloader`, `partition_table`), or undefined for custom types. */
export function partitionTypeName(type: number): string | undefined {
  return typeNames.get(type);
}

/** Name of a subtype of the given type (e.g. `nvs` for data/0x02, `ota_1` for app/0x11), or undefined. */
export function partitionSubtypeName(type: number, subtype: number): string | undefined {
  const names = PARTITION_SUBTYPES[type];
  if (!names) return undefined;
  return Object.keys(names).find((name) => names[name] === subtype);
}

/** Type byte of a type name (case-insensitive), or undefined. */
export function partitionTypeFromName(name: string): number | undefined {
  const key = name.toLowerCase();
  return Object.hasOwn(PartitionType, key) ? PartitionType[key as keyof typeof PartitionType] : undefined;
}

/** Subtype byte of a subtype name of the given type (case-insensitive), or undefined. */
export function partitionSubtypeFromName(type: number, name: string): number | undefined {
  const names = PARTITION_SUBTYPES[type];
  const key = name.toLowerCase();
  return names && Object.hasOwn(names, key) ? names[key] : undefined;
}

/** Known subtype names of a type, for error messages. */
export function knownSubtypeNames(type: number): string[] {
  return Object.keys(PARTITION_SUBTYPES[type] ?? {});
}
