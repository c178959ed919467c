import { findPartition, type PartitionTable } from '@kubeflash/esp';
import type { ScriptPartition } from './flash-script';

const PARTITION_TYPE_DATA = 0x01;
const PARTITION_SUBTYPE_NVS_KEYS = 0x04;

/** Where a device's config (and, for an encrypted class, its NVS keys) go in a firmware's partition table. */
export interface DevicePartitions {
  config: ScriptPartition;
  /** Set when the class encrypts its config. */
  nvsKeys?: ScriptPartition;
}

/**
 * Finds the config partition by the class's label, and the nvs_keys partition (data/nvs_keys) when the class
 * encrypts. `where` names the firmware in messages.
 * @throws Error naming the label and what the table does have
 */
export function devicePartitions(table: PartitionTable, configLabel: string, encrypted: boolean, where: string): DevicePartitions {
  const config = findPartition(table, { label: configLabel });
  if (!config) {
    throw new Error(`the partition table of ${where} has no partition labelled "${configLabel}" (it has: ${table.entries.map((e) => e.label).join(', ')})`);
  }
  if (config.type !== PARTITION_TYPE_DATA) throw new Error(`partition "${configLabel}" of ${where} is not a data partition`);
  const out: DevicePartitions = { config: { label: config.label, offset: config.offset, size: config.size } };
  if (encrypted) {
    const keys = findPartition(table, { type: PARTITION_TYPE_DATA, subtype: PARTITION_SUBTYPE_NVS_KEYS });
    if (!keys) {
      throw new Error(`the class encrypts its config, but the partition table of ${where} has no nvs_keys partition (data, nvs_keys) for the keys`);
    }
    out.nvsKeys = { label: keys.label, offset: keys.offset, size: keys.size };
  }
  return out;
}
