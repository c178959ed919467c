import { readFile } from 'node:fs/promises';
import {
  EspImageError,
  PartitionTableError,
  parsePartitionTableBinary,
  type AppImageInfo,
  type PartitionEntry,
  type PartitionTable,
} from '@kubeflash/esp';
import { readAppImageInfoNode } from '@kubeflash/esp/node';
import { FlashError, readFirmwareManifest } from '@kubeflash/flasher';
import type { StagedBlob } from '../store/types';

/**
 * Checks an uploaded build, all or nothing, before any of it is stored: the manifest, every image it lists, the
 * app image (magic, segments, checksum, appended SHA-256, chip, esp_app_desc version), the bootloader, and the
 * partition table (well-formed, the class's config partition, two OTA slots the app fits, nvs_keys for an
 * encrypted class). Each rejection is one specific sentence naming the file and the field.
 */

/** What an upload must match: the Firmware and its DeviceClass. */
export interface UploadTarget {
  firmware: string;
  deviceClass: string;
  /** The class's chip as the API spells it (`esp32c3`), which is also what image headers name. */
  chip: string;
  version: string;
  configLabel: string;
  configSize: number;
  encrypted: boolean;
}

/** One accepted image: its artifact name and where it goes. */
export interface ValidatedPart {
  name: string;
  offset: number;
  file: string;
  staged: StagedBlob;
}

/** What the app image says about itself (becomes Firmware status.app). */
export interface UploadedApp {
  projectName: string;
  version: string;
  idfVersion: string;
  secureVersion: number;
  elfSha256: string;
}

/** The verdict on an upload. */
export type UploadVerdict = { ok: true; parts: ValidatedPart[]; app: UploadedApp; appPart: ValidatedPart } | { ok: false; message: string };

/** Size of an otadata partition and of ota_data_initial.bin. */
const OTADATA_SIZE = 0x2000;
const PARTITION_TYPE_APP = 0x00;
const PARTITION_TYPE_DATA = 0x01;
const SUBTYPE_OTA_FIRST = 0x10;
const SUBTYPE_OTA_LAST = 0x1f;
const SUBTYPE_NVS = 0x02;
const SUBTYPE_NVS_KEYS = 0x04;

/** Artifact names of the images ESP-IDF builds (flasher_args.json keys → status.artifacts[].name). */
const ARTIFACT_NAMES: Record<string, string> = { bootloader: 'bootloader', 'partition-table': 'partition-table', otadata: 'ota-data-initial', app: 'app' };

const hex = (n: number): string => `0x${n.toString(16)}`;

class Rejection extends Error {}
const reject = (message: string): never => {
  throw new Rejection(message);
};

function artifactName(manifestName: string, file: string): string {
  const known = ARTIFACT_NAMES[manifestName];
  if (known) return known;
  const label = manifestName.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63);
  return label || reject(`flasher_args.json: cannot name the image ${file}`);
}

function readImage(bytes: Uint8Array, what: string): AppImageInfo {
  try {
    return readAppImageInfoNode(bytes);
  } catch (err) {
    if (err instanceof EspImageError) return reject(`${what}: ${err.message}`);
    throw err;
  }
}

function checkChip(info: AppImageInfo, what: string, target: UploadTarget): void {
  const chip = info.chipName ?? `unknown chip id ${info.chipId}`;
  if (chip !== target.chip) reject(`${what} is built for ${chip}, but DeviceClass ${target.deviceClass} is ${target.chip}`);
}

function checkTable(table: PartitionTable, target: UploadTarget, file: string): { otaSlots: PartitionEntry[] } {
  const labels = table.entries.map((e) => e.label).join(', ');
  const config = table.entries.find((e) => e.label === target.configLabel);
  if (!config) reject(`partition table ${file} has no partition labelled "${target.configLabel}", the config partition of DeviceClass ${target.deviceClass} (it has: ${labels})`);
  else if (config.type !== PARTITION_TYPE_DATA || config.subtype !== SUBTYPE_NVS) reject(`partition "${target.configLabel}" in ${file} is not a data/nvs partition`);
  else if (config.size < target.configSize) {
    reject(`partition "${target.configLabel}" in ${file} is ${config.size} bytes, smaller than the ${target.configSize} bytes of DeviceClass ${target.deviceClass}'s config partition`);
  }
  if (target.encrypted && !table.entries.some((e) => e.type === PARTITION_TYPE_DATA && e.subtype === SUBTYPE_NVS_KEYS)) {
    reject(`DeviceClass ${target.deviceClass} encrypts its config, but partition table ${file} has no nvs_keys partition for the keys`);
  }
  const otaSlots = table.entries.filter((e) => e.type === PARTITION_TYPE_APP && e.subtype >= SUBTYPE_OTA_FIRST && e.subtype <= SUBTYPE_OTA_LAST);
  if (otaSlots.length < 2) {
    reject(`partition table ${file} has ${otaSlots.length} OTA app slot(s)${otaSlots.length ? ` (${otaSlots.map((e) => e.label).join(', ')})` : ''}; OTA updates need two (ota_0 and ota_1)`);
  }
  if (!table.entries.some((e) => e.type === PARTITION_TYPE_DATA && e.subtype === 0x00)) reject(`partition table ${file} has no otadata partition (data, ota), which OTA updates need`);
  return { otaSlots };
}

/**
 * Validates the received files against the manifest and the target. `files` maps paths in the archive to their
 * staged bytes; files the manifest does not list are ignored (the caller discards them).
 */
export async function validateUpload(target: UploadTarget, manifestJson: unknown, files: ReadonlyMap<string, StagedBlob>): Promise<UploadVerdict> {
  try {
    let manifest;
    try {
      manifest = readFirmwareManifest(manifestJson);
    } catch (err) {
      if (err instanceof FlashError) return reject(err.message.startsWith('flasher_args.json') ? err.message : `flasher_args.json: ${err.message}`);
      throw err;
    }
    if (manifest.parts.length === 0) reject('flasher_args.json lists no images');
    if (manifest.parts.length > 16) reject(`flasher_args.json lists ${manifest.parts.length} images; at most 16 are accepted`);
    const parts: ValidatedPart[] = manifest.parts.map((p) => {
      const path = p.path.replace(/^(\.\/)+/, '');
      const staged = files.get(path) ?? reject(`flasher_args.json lists ${p.path}, which is not in the upload`);
      if (p.offset % 0x1000 !== 0) reject(`${p.path} is at ${hex(p.offset)}, which is not a multiple of 0x1000 (a flash sector)`);
      if (staged.size === 0) reject(`${p.path} is empty`);
      return { name: artifactName(p.name, p.path), offset: p.offset, file: path, staged };
    });
    const names = parts.map((p) => p.name);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice) reject(`flasher_args.json lists two images named ${twice}`);
    const sorted = [...parts].sort((a, b) => a.offset - b.offset);
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1];
      if (sorted[i].offset < prev.offset + prev.staged.size) reject(`${sorted[i].file} at ${hex(sorted[i].offset)} overlaps ${prev.file} (${hex(prev.offset)}..${hex(prev.offset + prev.staged.size)})`);
    }

    const tablePart = parts.find((p) => p.name === 'partition-table');
    let table: PartitionTable | undefined;
    let otaSlots: PartitionEntry[] = [];
    if (tablePart) {
      try {
        table = parsePartitionTableBinary(await readFile(tablePart.staged.path));
      } catch (err) {
        if (err instanceof PartitionTableError) return reject(`partition table ${tablePart.file}: ${err.message}`);
        throw err;
      }
      otaSlots = checkTable(table, target, tablePart.file).otaSlots;
    }

    const appPart =
      parts.find((p) => p.name === 'app') ??
      (table ? parts.find((p) => table.entries.some((e) => e.type === PARTITION_TYPE_APP && e.offset === p.offset)) : parts.length === 1 ? parts[0] : undefined) ??
      reject('the upload has no app image (flasher_args.json names none, and none sits at the start of an app partition)');
    appPart.name = 'app';
    const appWhat = `app image ${appPart.file}`;
    const app = readImage(await readFile(appPart.staged.path), appWhat);
    if (!app.hashAppended || !app.sha256) reject(`${appWhat} has no appended SHA-256 (ESP-IDF appends one to every app image)`);
    checkChip(app, appWhat, target);
    const desc = app.appDescription ?? reject(`${appWhat} has no app description (esp_app_desc_t, magic 0xABCD5432 at offset 0x20): it is not an ESP-IDF app`);
    if (desc.version !== target.version) {
      reject(`${appWhat} has version "${desc.version}" in its app description, but Firmware ${target.firmware} has spec.version "${target.version}"`);
    }
    if (table) {
      if (!table.entries.some((e) => e.type === PARTITION_TYPE_APP && e.offset === appPart.offset)) {
        reject(`${appWhat} is at ${hex(appPart.offset)}, which is not the start of an app partition in ${tablePart?.file}`);
      }
      for (const slot of otaSlots) {
        if (appPart.staged.size > slot.size) reject(`${appWhat} (${appPart.staged.size} bytes) does not fit OTA slot ${slot.label} (${slot.size} bytes)`);
      }
    }

    const boot = parts.find((p) => p.name === 'bootloader');
    if (boot) {
      const what = `bootloader image ${boot.file}`;
      const info = readImage(await readFile(boot.staged.path), what);
      checkChip(info, what, target);
      if (info.appDescription) reject(`${what} is an app image (it has an app description), not a bootloader`);
    }
    const otadata = parts.find((p) => p.name === 'ota-data-initial');
    if (otadata && otadata.staged.size !== OTADATA_SIZE) reject(`otadata image ${otadata.file} is ${otadata.staged.size} bytes; it must be ${OTADATA_SIZE} (two 4 KiB sectors)`);
    if (table) {
      for (const p of parts) {
        if (p === tablePart || p === boot) continue;
        const holder = table.entries.find((e) => p.offset >= e.offset && p.offset < e.offset + e.size);
        if (!holder) reject(`${p.file} at ${hex(p.offset)} lies outside every partition of ${tablePart?.file}`);
        else if (p.offset + p.staged.size > holder.offset + holder.size) reject(`${p.file} (${p.staged.size} bytes) does not fit partition ${holder.label} (${holder.size} bytes)`);
      }
    }
    return {
      ok: true,
      parts,
      appPart,
      app: { projectName: desc.projectName, version: desc.version, idfVersion: desc.idfVersion, secureVersion: desc.secureVersion, elfSha256: desc.appElfSha256 },
    };
  } catch (err) {
    if (err instanceof Rejection) return { ok: false, message: err.message };
    throw err;
  }
}
