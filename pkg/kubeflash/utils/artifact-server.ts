/** Where the operator's artifact server runs (the kubeflash chart's defaults). */
export const ARTIFACT_SERVICE = {
  namespace: 'kubeflash-system', name: 'kubeflash-artifacts', scheme: 'http', port: 8080
} as const;

/**
 * URL of a firmware file through Rancher's service proxy, so the browser reaches the in-cluster
 * artifact server with the user's Rancher session (no public exposure or CORS needed).
 */
export function proxiedArtifactUrl(clusterId: string, namespace: string, firmware: string, file: string): string {
  const s = ARTIFACT_SERVICE;

  return `/k8s/clusters/${ encodeURIComponent(clusterId) }/api/v1/namespaces/${ s.namespace }/services/${ s.scheme }:${ s.name }:${ s.port }/proxy/firmware/${ encodeURIComponent(namespace) }/${ encodeURIComponent(firmware) }/${ encodeURIComponent(file) }`;
}

/** Decodes standard base64 (Secret data) to bytes. */
export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);

  for (let i = 0; i < bin.length; i++) {
    out[i] = bin.charCodeAt(i);
  }

  return out;
}

/** Encodes bytes as standard base64. */
export function bytesToBase64(bytes: Uint8Array): string {
  let bin = '';

  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }

  return btoa(bin);
}
