import { normalizeChipName } from './chips';

/**
 * The manifests of a firmware build as other tools read them: esp-web-tools `manifest.json` and ESP-IDF
 * `flasher_args.json`. One home for both (the artifact service serves them; the CLI writes them on download).
 */

/** One image of a build: its artifact name, flash offset and file name (relative to the manifest). */
export interface BuildPart {
  name: string;
  offset: number;
  file: string;
}

/** esp-web-tools' chip family of a chip name in any spelling (`esp32c3` → `ESP32-C3`). */
export function chipFamily(chip: string): string {
  const normalized = normalizeChipName(chip);
  if (!normalized) throw new Error(`unknown chip "${chip}"`);
  return normalized;
}

const sorted = (parts: readonly BuildPart[]): BuildPart[] => [...parts].sort((a, b) => a.offset - b.offset);
const hex = (n: number): string => `0x${n.toString(16)}`;

/** An esp-web-tools `manifest.json` for one build; part paths are relative to the manifest (or absolute URLs). */
export function webToolsManifest(input: { name: string; version: string; chip: string; parts: readonly BuildPart[] }): Record<string, unknown> {
  return {
    name: input.name,
    version: input.version,
    new_install_prompt_erase: false,
    builds: [{ chipFamily: chipFamily(input.chip), parts: sorted(input.parts).map((p) => ({ path: p.file, offset: p.offset })) }],
  };
}

/** ESP-IDF names of the images in flasher_args.json, by artifact name. */
const IDF_NAMES: Record<string, string> = { 'ota-data-initial': 'otadata', otadata: 'otadata', bootloader: 'bootloader', 'partition-table': 'partition-table', app: 'app' };

/** ESP-IDF's `flasher_args.json` (what `idf.py build` writes) for one build; flash settings are kept as in the images. */
export function flasherArgsJson(input: { chip: string; parts: readonly BuildPart[] }): Record<string, unknown> {
  const flashFiles: Record<string, string> = {};
  const named: Record<string, { offset: string; file: string; encrypted: string }> = {};
  for (const p of sorted(input.parts)) {
    flashFiles[hex(p.offset)] = p.file;
    const idf = IDF_NAMES[p.name];
    if (idf) named[idf] = { offset: hex(p.offset), file: p.file, encrypted: 'false' };
  }
  return {
    write_flash_args: ['--flash_mode', 'keep', '--flash_freq', 'keep', '--flash_size', 'keep'],
    flash_settings: { flash_mode: 'keep', flash_size: 'keep', flash_freq: 'keep' },
    flash_files: flashFiles,
    ...named,
    extra_esptool_args: { after: 'hard_reset', before: 'default_reset', stub: true, chip: input.chip },
  };
}
