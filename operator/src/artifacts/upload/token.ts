import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiException, type CoreV1Api, type V1OwnerReference, type V1Secret } from '@kubernetes/client-node';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../../config/secret';

/**
 * One-time upload tokens. A token lives in a Secret of the Firmware's namespace, labelled with the Firmware and
 * annotated with the generation it may upload for; whoever can create that Secret (the operator for a build
 * Job, or a person or CI through `kubeflash firmware upload`) may upload. The artifact service deletes the
 * Secret when it accepts the token, so a token works once. The token text is `<secret name>.<random>`: the
 * service finds the Secret without listing, and never logs the token.
 */

/** Label naming the Firmware a token may upload to. */
export const UPLOAD_TOKEN_LABEL = 'kubeflash.dev/upload-token-for';
/** Annotation with the Firmware generation the token is valid for. */
export const UPLOAD_GENERATION_ANNOTATION = 'kubeflash.dev/firmware-generation';
/** Key of the token in the Secret (mounted into the build Job's upload step). */
export const UPLOAD_TOKEN_KEY = 'token';

/** A new token and the Secret that holds it. */
export interface UploadToken {
  token: string;
  secret: V1Secret;
}

/**
 * Makes a token for `firmware` at `generation`. `owner` (the build Job) takes the Secret with it when it goes;
 * tokens for `kubeflash firmware upload` are owned by the Firmware. The Secret's name is random unless given.
 */
export function newUploadToken(namespace: string, firmware: string, generation: number, owner: V1OwnerReference, secretName?: string): UploadToken {
  const name = secretName ?? `${firmware.slice(0, 220)}-upload-${randomBytes(4).toString('hex')}`;
  const token = `${name}.${randomBytes(32).toString('base64url')}`;
  return {
    token,
    secret: {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: {
        name,
        namespace,
        labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [UPLOAD_TOKEN_LABEL]: firmware },
        annotations: { [UPLOAD_GENERATION_ANNOTATION]: String(generation) },
        ownerReferences: [owner],
      },
      data: { [UPLOAD_TOKEN_KEY]: Buffer.from(token).toString('base64') },
    },
  };
}

/** The outcome of presenting a token. */
export type TokenVerdict = { ok: true } | { ok: false; message: string };

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * Checks `presented` for an upload to `firmware` at `generation` and, when it is good, uses it up (deletes its
 * Secret, guarded by uid and resourceVersion so two uploads cannot both win). Messages never contain the token.
 */
export async function consumeUploadToken(core: CoreV1Api, namespace: string, firmware: string, generation: number, presented: string | undefined): Promise<TokenVerdict> {
  if (!presented) return { ok: false, message: 'an upload token is required (Authorization: Bearer <token>)' };
  const dot = presented.lastIndexOf('.');
  const name = dot > 0 ? presented.slice(0, dot) : '';
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name) || name.length > 253) return { ok: false, message: 'the upload token is malformed' };
  let secret: V1Secret;
  try {
    secret = await core.readNamespacedSecret({ name, namespace });
  } catch (err) {
    if (err instanceof ApiException && err.code === 404) return { ok: false, message: 'the upload token is unknown or was already used' };
    throw err;
  }
  const stored = Buffer.from(secret.data?.[UPLOAD_TOKEN_KEY] ?? '', 'base64').toString('utf8');
  if (secret.metadata?.labels?.[UPLOAD_TOKEN_LABEL] !== firmware || !stored || !timingSafeEqual(digest(stored), digest(presented))) {
    return { ok: false, message: `the upload token is not valid for Firmware ${namespace}/${firmware}` };
  }
  const forGeneration = Number(secret.metadata?.annotations?.[UPLOAD_GENERATION_ANNOTATION]);
  if (forGeneration !== generation) {
    return { ok: false, message: `the upload token is for generation ${forGeneration} of Firmware ${namespace}/${firmware}, which is now at generation ${generation}` };
  }
  try {
    await core.deleteNamespacedSecret({
      name,
      namespace,
      body: { preconditions: { uid: secret.metadata?.uid, resourceVersion: secret.metadata?.resourceVersion } },
    });
  } catch (err) {
    if (err instanceof ApiException && (err.code === 404 || err.code === 409)) return { ok: false, message: 'the upload token is unknown or was already used' };
    throw err;
  }
  return { ok: true };
}
