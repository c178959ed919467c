import type { FirmwareArtifact } from '@kubeflash/api';

/** File name of an artifact in downloads, manifests and scripts (as the artifact service names it). */
export function artifactFileName(artifact: Pick<FirmwareArtifact, 'name'>): string {
  return `${ artifact.name }.bin`;
}

/**
 * Files the artifact service serves for a Succeeded Firmware besides its images, under
 * `/firmware/<namespace>/<firmware>/`: the esp-web-tools manifest, ESP-IDF's flasher_args.json and a zip of
 * all parts with both (written by @kubeflash/flasher's generators on the service, so not again here).
 */
export function firmwareFiles(firmware: string): { manifest: string; flasherArgs: string; zip: string } {
  return {
    manifest: 'manifest.json', flasherArgs: 'flasher_args.json', zip: `${ firmware }.zip`
  };
}

/** Artifacts in flash order (ascending offset). */
export function sortedArtifacts(artifacts: FirmwareArtifact[] | undefined): FirmwareArtifact[] {
  return [...(artifacts || [])].sort((a, b) => a.offset - b.offset);
}

/** URL of one firmware artifact on the artifact server. */
export function artifactUrl(baseUrl: string, namespace: string, firmware: string, file: string): string {
  return `${ baseUrl.replace(/\/+$/, '') }/firmware/${ encodeURIComponent(namespace) }/${ encodeURIComponent(firmware) }/${ encodeURIComponent(file) }`;
}
