import { ApiException, type CoreV1Api, type V1Secret } from '@kubernetes/client-node';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../config/secret';
import { ARTIFACTS_URL_KEY_SECRET } from '@kubeflash/install/names';
import { generateUrlKey } from './signed-url';

/** Name of the Secret with the key of signed URLs (in the artifact service's namespace). */
export const URL_KEY_SECRET = ARTIFACTS_URL_KEY_SECRET;
/** Key of the HMAC key in that Secret. */
export const URL_KEY_DATA = 'url-signing-key';

/** The key of signed URLs, created once in `namespace` (the artifact service and the operator share it). */
export async function ensureUrlKey(core: CoreV1Api, namespace: string): Promise<Uint8Array> {
  const read = async (): Promise<Uint8Array | undefined> => {
    try {
      const value = (await core.readNamespacedSecret({ name: URL_KEY_SECRET, namespace })).data?.[URL_KEY_DATA];
      if (!value) throw new Error(`Secret ${namespace}/${URL_KEY_SECRET} has no ${URL_KEY_DATA}`);
      return new Uint8Array(Buffer.from(value, 'base64'));
    } catch (err) {
      if (err instanceof ApiException && err.code === 404) return undefined;
      throw err;
    }
  };
  const existing = await read();
  if (existing) return existing;
  const secret: V1Secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: { name: URL_KEY_SECRET, namespace, labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE } },
    data: { [URL_KEY_DATA]: Buffer.from(generateUrlKey()).toString('base64') },
  };
  try {
    await core.createNamespacedSecret({ namespace, body: secret });
  } catch (err) {
    if (!(err instanceof ApiException && err.code === 409)) throw err;
  }
  const key = await read();
  if (!key) throw new Error(`Secret ${namespace}/${URL_KEY_SECRET} vanished right after it was created`);
  return key;
}
