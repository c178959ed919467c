import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parsePartitionTableBinary, type PartitionEntry } from '@kubeflash/esp';
import { readAppImageInfoNode } from '@kubeflash/esp/node';
import { normalizeChipName, readFirmwareManifest, type ChipName, type ScriptFirmwarePart } from '@kubeflash/flasher';

/** A firmware build found in a folder: what to flash, and the partition table it carries. */
export interface FirmwareFolder {
  dir: string;
  chip: ChipName;
  name: string;
  version?: string;
  parts: ScriptFirmwarePart[];
  partitionTable?: PartitionEntry[];
}

const MANIFESTS = ['flasher_args.json', 'manifest.json'];

/**
 * Reads an ESP-IDF build folder (`flasher_args.json`) or an esp-web-tools folder (`manifest.json`):
 * part files with their sizes and SHA-256, the chip, and the partition table found among the parts.
 */
export function readFirmwareFolder(dir: string, chip?: ChipName): FirmwareFolder {
  const folder = resolve(dir);
  const manifestFile = MANIFESTS.map((m) => join(folder, m)).find((p) => existsSync(p));
  if (!manifestFile) throw new Error(`${folder} has neither ${MANIFESTS.join(' nor ')}`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(manifestFile, 'utf8'));
  } catch (err) {
    throw new Error(`${manifestFile} is not valid JSON: ${(err as Error).message}`);
  }
  const manifest = readFirmwareManifest(json, chip);
  let partitionTable: PartitionEntry[] | undefined;
  let appVersion: string | undefined;
  let appName: string | undefined;
  const parts = manifest.parts.map((p) => {
    const path = join(folder, p.path);
    if (!existsSync(path)) throw new Error(`${manifestFile} lists ${p.path}, which is not in ${folder}`);
    const data = readFileSync(path);
    if (p.name === 'partition-table') partitionTable = parsePartitionTableBinary(data).entries;
    if (p.name === 'app' || p.name === 'bootloader') {
      const info = readAppImageInfoNode(data);
      const imageChip = info.chipName ? normalizeChipName(info.chipName) : undefined;
      if (imageChip !== manifest.chip) {
        throw new Error(`${p.path} is an image for ${imageChip ?? `unknown chip id ${info.chipId}`}, but the build is for ${manifest.chip}`);
      }
      if (p.name === 'app') {
        appVersion = info.appDescription?.version;
        appName = info.appDescription?.projectName;
      }
    }
    const file = p.path.split('/').pop() as string;
    return { name: p.name, file, offset: p.offset, size: data.length, sha256: createHash('sha256').update(data).digest('hex') };
  });
  const files = new Set(parts.map((p) => p.file));
  if (files.size !== parts.length) throw new Error(`${manifestFile} lists two parts with the same file name`);
  return { dir: folder, chip: manifest.chip, name: manifest.name ?? appName ?? 'firmware', version: manifest.version ?? appVersion, parts, partitionTable };
}
