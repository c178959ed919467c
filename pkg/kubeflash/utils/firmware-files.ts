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

/** Inputs of the flash script. */
export interface FlashScriptInput {
  device: { name: string; namespace: string };
  chip: Chip;
  firmware: { name: string; version: string; artifacts: FirmwareArtifact[] };
  /** Base URL the artifact server is reachable at from the person's machine (DevicesCluster artifacts.publicBaseUrl). */
  artifactBaseUrl: string;
  /** Offset of the config NVS partition. */
  configOffset: number;
  /** Name of the Secret holding config.bin. */
  configSecretName: string;
  /** config.bin, base64; when given the script embeds it (it then contains the device's secrets). */
  configBinBase64?: string;
}

/** URL of one firmware artifact on the artifact server. */
export function artifactUrl(baseUrl: string, namespace: string, firmware: string, file: string): string {
  return `${ baseUrl.replace(/\/+$/, '') }/firmware/${ encodeURIComponent(namespace) }/${ encodeURIComponent(firmware) }/${ encodeURIComponent(file) }`;
}

const shellQuote = (s: string) => `'${ s.replace(/'/g, `'\\''`) }'`;

/**
 * A bash script that downloads the firmware images (checking each sha256), gets the device's config.bin
 * (embedded, or read from its Secret with kubectl when the script is to carry no secrets) and flashes
 * everything with esptool.py in one write_flash.
 */
export function flashScript(input: FlashScriptInput): string {
  const parts = sortedArtifacts(input.firmware.artifacts);
  const lines = [
    '#!/usr/bin/env bash',
    `# kubeflash: flash ${ input.device.namespace }/${ input.device.name } with ${ input.firmware.name } (${ input.firmware.version }) and its config.`,
    input.configBinBase64 ? '# This script CONTAINS THE DEVICE\'S SECRETS (config.bin). Keep it private, delete it after use.' : '# Needs kubectl access to the device\'s namespace to read its config Secret.',
    '# Usage: PORT=/dev/ttyUSB0 ./flash.sh      (needs curl, sha256sum and esptool.py)',
    'set -euo pipefail',
    'PORT="${PORT:-/dev/ttyUSB0}"',
    'work="$(mktemp -d)"',
    'trap \'rm -rf "$work"\' EXIT',
    'fetch() { curl -fsSL -o "$work/$1" "$2"; echo "$3  $work/$1" | sha256sum -c --quiet -; }',
  ];

  for (const a of parts) {
    const file = artifactFileName(a);

    lines.push(`fetch ${ shellQuote(file) } ${ shellQuote(artifactUrl(input.artifactBaseUrl, input.device.namespace, input.firmware.name, file)) } ${ a.sha256 }`);
  }

  if (input.configBinBase64) {
    lines.push(`base64 -d > "$work/config.bin" <<'KUBEFLASH_CONFIG'`, ...(input.configBinBase64.match(/.{1,76}/g) || []), 'KUBEFLASH_CONFIG');
  } else {
    lines.push(`kubectl get secret -n ${ shellQuote(input.device.namespace) } ${ shellQuote(input.configSecretName) } -o jsonpath='{.data.config\\.bin}' | base64 -d > "$work/config.bin"`);
  }

  const writes = [...parts.map((a) => `${ hex(a.offset) } "$work/${ artifactFileName(a) }"`), `${ hex(input.configOffset) } "$work/config.bin"`];

  lines.push(`esptool.py --chip ${ input.chip } --port "$PORT" --baud 460800 write_flash --flash_mode keep --flash_freq keep --flash_size keep ${ writes.join(' ') }`);
  lines.push(`echo "Flashed ${ input.device.name }; it reports online to the cluster once it reaches MQTT."`);

  return `${ lines.join('\n') }\n`;
}
