import { normalizeChipName } from './chips';
import { InvalidPlanError } from './errors';
import type { ChipName } from './types/chip';

/** One image a firmware manifest lists: where it goes and the file (relative to the manifest) holding it. */
export interface ManifestPart {
  name: string;
  offset: number;
  path: string;
}

/** The build of one chip, read from an esp-web-tools `manifest.json` or an ESP-IDF `flasher_args.json`. */
export interface FirmwareManifest {
  chip: ChipName;
  parts: ManifestPart[];
  name?: string;
  version?: string;
}

const NAMED_IMAGES: Record<string, string> = {
  bootloader: 'bootloader',
  'partition-table': 'partition-table',
  partition_table: 'partition-table',
  otadata: 'otadata',
  app: 'app',
};

/**
 * Reads a firmware manifest: esp-web-tools (`builds[].chipFamily`, `parts[].path/offset`; pick the build with
 * `chip` when several exist) or ESP-IDF `flasher_args.json` (`flash_files`, named image objects, `extra_esptool_args.chip`).
 * @throws {InvalidPlanError} when the JSON is neither, or has no build for the chip
 */
export function readFirmwareManifest(json: unknown, chip?: ChipName): FirmwareManifest {
  if (!isObject(json)) throw new InvalidPlanError('The firmware manifest is not a JSON object.');
  if (Array.isArray(json.builds)) return readEspWebTools(json, chip);
  if (isObject(json.flash_files)) return readFlasherArgs(json, chip);
  throw new InvalidPlanError('The firmware manifest is neither an esp-web-tools manifest.json (builds) nor an ESP-IDF flasher_args.json (flash_files).');
}

function readEspWebTools(json: Record<string, unknown>, chip?: ChipName): FirmwareManifest {
  const builds = (json.builds as unknown[]).filter(isObject);
  const families = builds.map((b) => String(b.chipFamily));
  const candidates = builds.filter((b) => typeof b.chipFamily === 'string' && (!chip || normalizeChipName(b.chipFamily) === chip));
  // Prefer the UART build over the native-USB one: the flasher drives the DTR/RTS auto-reset lines.
  const build = candidates.find((b) => b.serialType !== 'cdc') ?? candidates[0];
  if (!build) {
    throw new InvalidPlanError(chip ? `The manifest has no build for ${chip} (it has: ${families.join(', ') || 'none'}).` : 'The manifest has no builds.');
  }
  const buildChip = normalizeChipName(String(build.chipFamily));
  if (!buildChip) throw new InvalidPlanError(`The manifest's chipFamily "${String(build.chipFamily)}" is not a chip kubeflash can flash.`);
  if (!chip && candidates.length > 1 && new Set(candidates.map((b) => b.chipFamily)).size > 1) {
    throw new InvalidPlanError(`The manifest has builds for several chips (${families.join(', ')}); say which one to flash.`);
  }
  if (!Array.isArray(build.parts)) throw new InvalidPlanError(`The ${buildChip} build has no parts.`);
  const parts = build.parts.map((part, index) => {
    if (!isObject(part) || typeof part.path !== 'string') throw new InvalidPlanError(`Part ${index + 1} of the ${buildChip} build has no path.`);
    const offset = parseOffset(part.offset, `part ${part.path}`);
    return { name: nameFromPath(part.path), offset, path: part.path };
  });
  return { chip: buildChip, parts, ...optionalString('name', json.name), ...optionalString('version', json.version) };
}

function readFlasherArgs(json: Record<string, unknown>, chip?: ChipName): FirmwareManifest {
  const extra = isObject(json.extra_esptool_args) ? json.extra_esptool_args : {};
  const declared = typeof extra.chip === 'string' ? normalizeChipName(extra.chip) : undefined;
  if (typeof extra.chip === 'string' && !declared) throw new InvalidPlanError(`flasher_args.json names an unknown chip "${extra.chip}".`);
  if (declared && chip && declared !== chip) throw new InvalidPlanError(`flasher_args.json is a build for ${declared}, not ${chip}.`);
  const buildChip = declared ?? chip;
  if (!buildChip) throw new InvalidPlanError('flasher_args.json does not name its chip (extra_esptool_args.chip); say which one to flash.');
  const names = new Map<string, string>();
  for (const [key, name] of Object.entries(NAMED_IMAGES)) {
    const image = json[key];
    if (isObject(image) && typeof image.file === 'string') names.set(image.file, name);
  }
  const parts = Object.entries(json.flash_files as Record<string, unknown>).map(([offsetText, file]) => {
    if (typeof file !== 'string') throw new InvalidPlanError(`flash_files entry ${offsetText} is not a file name.`);
    return { name: names.get(file) ?? nameFromPath(file), offset: parseOffset(offsetText, `flash_files entry ${file}`), path: file };
  });
  return { chip: buildChip, parts: parts.sort((a, b) => a.offset - b.offset) };
}

function nameFromPath(path: string): string {
  const base = (path.split('/').pop() ?? path).replace(/\.bin$/i, '').toLowerCase();
  if (base.includes('bootloader')) return 'bootloader';
  if (base.includes('partition')) return 'partition-table';
  if (base.includes('ota_data') || base.includes('otadata') || base === 'boot_app0') return 'otadata';
  return base;
}

function parseOffset(value: unknown, what: string): number {
  const offset = typeof value === 'number' ? value : typeof value === 'string' && /^(0x[0-9a-f]+|\d+)$/i.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isInteger(offset) || offset < 0) throw new InvalidPlanError(`The offset of ${what} is not a valid number: ${JSON.stringify(value)}.`);
  return offset;
}

function optionalString<K extends string>(key: K, value: unknown): Partial<Record<K, string>> {
  return typeof value === 'string' ? ({ [key]: value } as Record<K, string>) : {};
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
