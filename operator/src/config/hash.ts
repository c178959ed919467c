import { createHash } from 'node:crypto';
import { buildNvsKeyPartition, type NvsEntry, type NvsKeys } from '@kubeflash/esp';

/** Bump when the rendering changes in a way that must rewrite every Secret. */
export const CONFIG_FORMAT = 'kubeflash-config/v1';

/**
 * Hash of everything the image is made of: typed entries (generated credentials included), partition size and
 * encryption keys. Equal hashes mean identical Secret contents. The entries include the device's random MQTT
 * password, so the hash reveals nothing about low-entropy secret values to someone who cannot read the Secret.
 */
export function configHash(entries: readonly NvsEntry[], partitionSize: number, nvsKeys: NvsKeys | undefined): string {
  const h = createHash('sha256');
  h.update(`${CONFIG_FORMAT}\nsize=${partitionSize}\n`);
  for (const e of entries) {
    const value = e.type === 'blob' ? Buffer.from(e.value).toString('base64') : e.type === 'string' ? JSON.stringify(e.value) : e.value.toString();
    h.update(`${JSON.stringify(e.namespace)} ${JSON.stringify(e.key)} ${e.type} ${value}\n`);
  }
  if (nvsKeys) h.update(buildNvsKeyPartition(nvsKeys));
  return `sha256:${h.digest('hex')}`;
}
