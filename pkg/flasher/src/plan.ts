import { chipIdFromName, chipName, findPartition, parsePartitionTableBinary, type PartitionEntry, type PartitionTable } from '@kubeflash/esp';
import { bootloaderOffset, normalizeChipName } from './chips';
import { InvalidPlanError, hex } from './errors';
import { readFirmwareManifest } from './manifest';
import type { ChipName } from './types/chip';
import type { FlashMode, FlashPart, FlashPlan } from './types/plan';

const PARTITION_TYPE_APP = 0x00;
const PARTITION_TYPE_DATA = 0x01;
const PARTITION_SUBTYPE_NVS_KEYS = 0x04;
const PARTITION_ROW_MAGIC = [0xaa, 0x50];
const IMAGE_MAGIC = 0xe9;

/** Inputs of `buildFlashPlan`. */
export interface BuildFlashPlanInput {
  chip: ChipName;
  /** The firmware images with their offsets (bootloader, partition table, otadata, app). */
  firmware: FlashPart[];
  /** The device's NVS configuration image. */
  config: Uint8Array;
  /** The device's NVS key partition image, when its configuration is encrypted. */
  nvsKeys?: Uint8Array;
  /** Label of the config partition in the firmware's partition table (the DeviceClass's `partitions.config.label`). */
  configPartitionLabel?: string;
  mode: FlashMode;
}

/**
 * Builds a flash plan from a firmware build and a device's configuration. The config offset comes from the
 * firmware's own partition table (by label), never from a constant; `nvs_keys.bin` goes to the table's
 * `nvs_keys` partition. A config image shorter than its partition is padded with 0xFF so stale pages of an
 * older configuration cannot survive. `config-only` plans hold just the config (and keys).
 * @throws {InvalidPlanError} naming what does not fit together
 */
export function buildFlashPlan(input: BuildFlashPlanInput): FlashPlan {
  const table = partitionTableOf(input.firmware);
  const label = input.configPartitionLabel ?? 'config';
  const configPartition = findPartition(table, { label });
  if (!configPartition) {
    throw new InvalidPlanError(
      `The firmware's partition table has no partition labelled "${label}" (it has: ${table.entries.map((e) => e.label).join(', ')}).`,
      'Use a firmware build whose partition table has the config partition of this device class, or fix the class\'s config partition label.',
    );
  }
  if (configPartition.type !== PARTITION_TYPE_DATA) throw new InvalidPlanError(`Partition "${label}" is not a data partition.`);
  const parts: FlashPart[] = [{ name: 'config', offset: configPartition.offset, data: fitToPartition(input.config, configPartition, 'config.bin') }];
  if (input.nvsKeys) {
    const keysPartition = findPartition(table, { type: PARTITION_TYPE_DATA, subtype: PARTITION_SUBTYPE_NVS_KEYS });
    if (!keysPartition) throw new InvalidPlanError('The device has NVS keys (nvs_keys.bin), but the firmware\'s partition table has no nvs_keys partition.');
    parts.push({ name: 'nvs_keys', offset: keysPartition.offset, data: fitToPartition(input.nvsKeys, keysPartition, 'nvs_keys.bin') });
  }
  if (input.mode === 'config-only') return { chip: input.chip, mode: input.mode, parts };

  for (const image of input.firmware) {
    checkImage(image, input.chip, table);
    for (const part of parts) {
      if (image.offset < part.offset + part.data.length && part.offset < image.offset + image.data.length) {
        throw new InvalidPlanError(`Firmware image ${image.name} at ${hex(image.offset)} overlaps the ${part.name} partition.`);
      }
    }
  }
  const firmware = [...input.firmware].sort((a, b) => a.offset - b.offset).map((image) => ({ ...image, name: partName(image, input.chip, table) }));
  return { chip: input.chip, mode: input.mode, parts: [...firmware, ...parts] };
}

/** The device side of a plan built from a manifest. */
export interface DeviceImages {
  config: Uint8Array;
  nvsKeys?: Uint8Array;
}

/** Options of `buildFlashPlanFromManifest`. */
export interface ManifestPlanOptions {
  mode: FlashMode;
  /** Which build to use when the manifest has several, or the chip of a flasher_args.json without one. */
  chip?: ChipName;
  configPartitionLabel?: string;
}

/**
 * Reads a manifest (esp-web-tools `manifest.json` or ESP-IDF `flasher_args.json`), loads its part files with
 * `readPart(path)` and builds the plan for a device. For `config-only` only the partition table is loaded.
 */
export async function buildFlashPlanFromManifest(
  manifestJson: unknown,
  readPart: (path: string) => Uint8Array | Promise<Uint8Array>,
  device: DeviceImages,
  options: ManifestPlanOptions,
): Promise<FlashPlan> {
  const manifest = readFirmwareManifest(manifestJson, options.chip);
  const needed = options.mode === 'config-only' ? manifest.parts.filter((p) => p.name === 'partition-table' || p.offset === 0x8000) : manifest.parts;
  const firmware: FlashPart[] = [];
  for (const part of needed) firmware.push({ name: part.name, offset: part.offset, data: await readPart(part.path) });
  return buildFlashPlan({ chip: manifest.chip, firmware, config: device.config, nvsKeys: device.nvsKeys, configPartitionLabel: options.configPartitionLabel, mode: options.mode });
}

function partitionTableOf(firmware: FlashPart[]): PartitionTable {
  const image =
    firmware.find((p) => p.name === 'partition-table' || p.name === 'partition_table') ??
    firmware.find((p) => p.data[0] === PARTITION_ROW_MAGIC[0] && p.data[1] === PARTITION_ROW_MAGIC[1]);
  if (!image) throw new InvalidPlanError('The firmware build has no partition table image, so the config partition cannot be located.');
  try {
    return parsePartitionTableBinary(image.data);
  } catch (err) {
    throw new InvalidPlanError(`The firmware's partition table cannot be read: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function fitToPartition(data: Uint8Array, partition: PartitionEntry, file: string): Uint8Array {
  if (data.length === 0) throw new InvalidPlanError(`${file} is empty.`);
  if (data.length > partition.size) {
    throw new InvalidPlanError(
      `${file} is ${data.length} bytes, larger than the "${partition.label}" partition (${partition.size} bytes).`,
      'Regenerate the configuration for this firmware\'s partition size, or use a firmware build with a larger config partition.',
    );
  }
  if (data.length === partition.size) return data;
  const padded = new Uint8Array(partition.size).fill(0xff);
  padded.set(data);
  return padded;
}

function checkImage(image: FlashPart, chip: ChipName, table: PartitionTable): void {
  const holder = table.entries.find((e) => image.offset >= e.offset && image.offset < e.offset + e.size);
  if (holder && image.offset + image.data.length > holder.offset + holder.size) {
    throw new InvalidPlanError(`Firmware image ${image.name} (${image.data.length} bytes) does not fit into partition "${holder.label}" (${holder.size} bytes).`);
  }
  const isBootable = image.offset === bootloaderOffset(chip) || holder?.type === PARTITION_TYPE_APP;
  if (!isBootable || image.data.length < 16 || image.data[0] !== IMAGE_MAGIC) return;
  const chipId = image.data[12] | (image.data[13] << 8);
  if (chipId !== chipIdFromName(chip)) {
    const named = chipName(chipId);
    const builtFor = (named && normalizeChipName(named)) ?? `chip id ${chipId}`;
    throw new InvalidPlanError(
      `Firmware image ${image.name} is built for ${builtFor}, but the plan is for ${chip}.`,
      'Use the firmware build of this device class\'s chip.',
    );
  }
}

function partName(image: FlashPart, chip: ChipName, table: PartitionTable): string {
  if (image.offset === bootloaderOffset(chip)) return 'bootloader';
  const holder = table.entries.find((e) => image.offset >= e.offset && image.offset < e.offset + e.size);
  if (holder?.type === PARTITION_TYPE_APP) return 'app';
  return holder?.label ?? image.name;
}
