import { ApiException, type CoreV1Api } from '@kubernetes/client-node';
import { SIGNING_KEY_SECRET, buildSigningKeySecret, generateSigningKey, signingKeyFromSecret, type SigningKey } from './signing';

const isStatus = (err: unknown, code: number): boolean => err instanceof ApiException && err.code === code;

/**
 * The namespace's signing key: read from its Secret, or created once when there is none. Two writers racing is
 * fine: the create that loses gets 409 and reads the winner's key.
 */
export async function ensureSigningKey(core: CoreV1Api, namespace: string): Promise<SigningKey> {
  try {
    return signingKeyFromSecret(await core.readNamespacedSecret({ name: SIGNING_KEY_SECRET, namespace }));
  } catch (err) {
    if (!isStatus(err, 404)) throw err;
  }
  try {
    const created = await core.createNamespacedSecret({ namespace, body: buildSigningKeySecret(namespace, generateSigningKey()) });
    return signingKeyFromSecret(created);
  } catch (err) {
    if (!isStatus(err, 409)) throw err;
    return signingKeyFromSecret(await core.readNamespacedSecret({ name: SIGNING_KEY_SECRET, namespace }));
  }
}
