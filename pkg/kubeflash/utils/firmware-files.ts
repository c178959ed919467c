import { Chip, type FirmwareArtifact } from '@kubeflash/api';
import { hex } from './format';

/** esp-web-tools chip family names. */
const CHIP_FAMILY: Record<Chip, string> = {
  [Chip.ESP32]:   'ESP32',
  [Chip.ESP32S2]: 'ESP32-S2',
  [Chip.ESP32S3]: 'ESP32-S3',
  [Chip.ESP32C3]: 'ESP32-C3',
  [Chip.ESP32C6]: 'ESP32-C6',
  [Chip.ESP32H2]: 'ESP32-H2',
};

/** File name of an artifact in downloads, manifests and scripts. */
export function artifactFileName(artifact: Pick<FirmwareArtifact, 'name'>): string {
  return `${ artifact.name }.bin`;
}

/** Artifacts in flash order (ascending offset). */
export function sortedArtifacts(artifacts: FirmwareArtifact[] | undefined): FirmwareArtifact[] {
  return [...(artifacts || [])].sort((a, b) => a.offset - b.offset);
}

/** An esp-web-tools `manifest.json` for one firmware build; part paths are relative to the manifest. */
export function webToolsManifest(input: { name: string; version: string; chip: Chip; artifacts: FirmwareArtifact[] }) {
  return {
    name:                     input.name,
    version:                  input.version,
    new_install_prompt_erase: false,
    builds:                   [{
      chipFamily: CHIP_FAMILY[input.chip],
      parts:      sortedArtifacts(input.artifacts).map((a) => ({ path: artifactFileName(a), offset: a.offset })),
    }],
  };
}

/** ESP-IDF's `flasher_args.json` (the file `idf.py` writes next to the build) for one firmware build. */
export function flasherArgs(input: { chip: Chip; artifacts: FirmwareArtifact[] }) {
  const flashFiles: Record<string, string> = {};
  const byName: Record<string, { offset: string; file: string; encrypted: string }> = {};

  for (const a of sortedArtifacts(input.artifacts)) {
    flashFiles[hex(a.offset)] = artifactFileName(a);
    byName[a.name === 'ota-data-initial' ? 'otadata' : a.name] = {
      offset: hex(a.offset), file: artifactFileName(a), encrypted: 'false'
    };
  }

  return {
    write_flash_args: ['--flash_mode', 'keep', '--flash_freq', 'keep', '--flash_size', 'keep'],
    flash_settings:   {
      flash_mode: 'keep', flash_size: 'keep', flash_freq: 'keep'
    },
    flash_files:        flashFiles,
    ...byName,
    extra_esptool_args: {
      after: 'hard_reset', before: 'default_reset', stub: true, chip: input.chip
    },
  };
}

/** URL of one firmware artifact on the artifact server. */
export function artifactUrl(baseUrl: string, namespace: string, firmware: string, file: string): string {
  return `${ baseUrl.replace(/\/+$/, '') }/firmware/${ encodeURIComponent(namespace) }/${ encodeURIComponent(firmware) }/${ encodeURIComponent(file) }`;
}
