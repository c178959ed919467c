import { createHash, createPrivateKey, createPublicKey, createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { V1Secret } from '@kubernetes/client-node';
import { SignatureAlgorithm } from '@kubeflash/api';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../config/secret';

/**
 * Firmware signing: one ECDSA P-256 key pair per namespace, in a Secret the operator creates once. The signature is
 * ECDSA-SHA256 over the whole app image file in DER (ECDSA-Sig-Value), byte-compatible with
 * `openssl dgst -sha256 -sign key.pem app.bin`; devices verify it with the public key they get as the generated
 * config key `ota_pubkey` (DER SubjectPublicKeyInfo).
 */

/** Name of the signing key Secret in every namespace with firmware or devices. */
export const SIGNING_KEY_SECRET = 'kubeflash-firmware-signing-key';
/** Key of the PKCS#8 PEM private key in the Secret. */
export const SIGNING_PRIVATE_KEY = 'signing-key.pem';
/** Key of the public key (DER SubjectPublicKeyInfo, exactly what ota_pubkey holds) in the Secret. */
export const SIGNING_PUBLIC_KEY = 'ota_pubkey.der';
/** Label that marks the signing key Secret. */
export const SIGNING_KEY_LABEL = 'kubeflash.dev/signing-key';

/** A namespace's signing key. */
export interface SigningKey {
  privateKey: KeyObject;
  /** DER SubjectPublicKeyInfo (91 bytes for P-256). */
  publicKeyDer: Uint8Array;
  /** SHA-256 of publicKeyDer, lowercase hex. */
  keyId: string;
}

/** A signature as Firmware status records it. */
export interface FirmwareSignature {
  algorithm: typeof SignatureAlgorithm.EcdsaP256Sha256;
  /** DER ECDSA-Sig-Value, base64. */
  value: string;
  keyId: string;
}

/** SHA-256 of a DER public key, lowercase hex: the key id in status.signature. */
export function signingKeyId(publicKeyDer: Uint8Array): string {
  return createHash('sha256').update(publicKeyDer).digest('hex');
}

/** A fresh P-256 key pair from the platform CSPRNG. */
export function generateSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const publicKeyDer = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }));
  return { privateKey, publicKeyDer, keyId: signingKeyId(publicKeyDer) };
}

/** The Secret that stores `key` in `namespace` (never logged: it holds the private key). */
export function buildSigningKeySecret(namespace: string, key: SigningKey): V1Secret {
  const pem = key.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: SIGNING_KEY_SECRET,
      namespace,
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [SIGNING_KEY_LABEL]: 'true' },
      annotations: { 'kubeflash.dev/key-id': key.keyId },
    },
    data: {
      [SIGNING_PRIVATE_KEY]: Buffer.from(pem).toString('base64'),
      [SIGNING_PUBLIC_KEY]: Buffer.from(key.publicKeyDer).toString('base64'),
    },
  };
}

/** Why a signing key Secret cannot be used, naming the Secret (never its contents). */
export class SigningKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SigningKeyError';
  }
}

/** Reads the key pair from a signing key Secret's data; checks that the halves belong together and the curve is P-256. */
export function signingKeyFromSecret(secret: V1Secret): SigningKey {
  const where = `Secret ${secret.metadata?.namespace}/${secret.metadata?.name}`;
  const pem = secret.data?.[SIGNING_PRIVATE_KEY];
  if (!pem) throw new SigningKeyError(`${where} has no ${SIGNING_PRIVATE_KEY}`);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: Buffer.from(pem, 'base64').toString('utf8'), format: 'pem' });
  } catch {
    throw new SigningKeyError(`${where}: ${SIGNING_PRIVATE_KEY} is not a PEM private key`);
  }
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new SigningKeyError(`${where}: ${SIGNING_PRIVATE_KEY} is not an ECDSA P-256 key`);
  }
  const publicKeyDer = new Uint8Array(createPublicKey(privateKey).export({ format: 'der', type: 'spki' }));
  const stored = secret.data?.[SIGNING_PUBLIC_KEY];
  if (stored !== undefined && Buffer.compare(Buffer.from(stored, 'base64'), publicKeyDer) !== 0) {
    throw new SigningKeyError(`${where}: ${SIGNING_PUBLIC_KEY} is not the public half of ${SIGNING_PRIVATE_KEY}`);
  }
  return { privateKey, publicKeyDer, keyId: signingKeyId(publicKeyDer) };
}

/** Signs a whole file, streaming it (an app image is never held in memory for this). */
export async function signFile(key: SigningKey, path: string): Promise<FirmwareSignature> {
  const signer = createSign('SHA256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) signer.update(chunk as Buffer);
  return signature(key, signer.sign({ key: key.privateKey, dsaEncoding: 'der' }));
}

/** Signs bytes already in memory (demo images, tests). */
export function signBytes(key: SigningKey, data: Uint8Array): FirmwareSignature {
  const signer = createSign('SHA256');
  signer.update(data);
  return signature(key, signer.sign({ key: key.privateKey, dsaEncoding: 'der' }));
}

function signature(key: SigningKey, der: Buffer): FirmwareSignature {
  return { algorithm: SignatureAlgorithm.EcdsaP256Sha256, value: der.toString('base64'), keyId: key.keyId };
}
