/**
 * ServiceAccount tokens as kube-apiserver issues them through TokenRequest: RS256 JWTs with the
 * `kubernetes.io` claims, signed by devcluster's service-account key (kept in `<stateDir>/pki/`
 * so tokens survive a restart). Verification checks signature, times and that the
 * ServiceAccount still exists with the same uid.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const API_AUDIENCE = 'https://kubernetes.default.svc.cluster.local';
export const ISSUER = 'https://kubernetes.default.svc.cluster.local';
/** The issuer of legacy (Secret-based) ServiceAccount tokens. */
export const LEGACY_ISSUER = 'kubernetes/serviceaccount';

export interface BoundObject {
  kind: string;
  apiVersion?: string;
  name: string;
  uid: string;
}

export interface ServiceAccountClaims {
  namespace: string;
  name: string;
  uid: string;
  audiences: string[];
  jti?: string;
  /** Seconds since the epoch; undefined for legacy tokens that never expire. */
  exp?: number;
  legacySecret?: string;
  bound?: BoundObject;
}

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

export class TokenIssuer {
  private readonly kid: string;

  private constructor(
    private readonly privateKey: KeyObject,
    private readonly publicKey: KeyObject,
  ) {
    this.kid = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url');
  }

  /** A new key, or the one kept in `<stateDir>/pki/service-account-key.pem`. */
  static async load(stateDir?: string): Promise<TokenIssuer> {
    const file = stateDir ? join(stateDir, 'pki', 'service-account-key.pem') : undefined;
    if (file) {
      try {
        const key = createPrivateKey(await readFile(file, 'utf8'));
        return new TokenIssuer(key, createPublicKey(key));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read ${file}: ${(err as Error).message}`);
      }
    }
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    if (file) {
      await mkdir(join(file, '..'), { recursive: true, mode: 0o700 });
      await writeFile(`${file}.tmp`, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
      await rename(`${file}.tmp`, file);
    }
    return new TokenIssuer(privateKey, publicKey);
  }

  private signJwt(claims: Record<string, unknown>): string {
    const head = b64url(JSON.stringify({ alg: 'RS256', kid: this.kid }));
    const body = b64url(JSON.stringify(claims));
    const signature = sign('sha256', Buffer.from(`${head}.${body}`), this.privateKey);
    return `${head}.${body}.${b64url(signature)}`;
  }

  /** A bound token (TokenRequest). */
  issue(sa: { namespace: string; name: string; uid: string }, audiences: string[], expirationSeconds: number, bound?: BoundObject, now = Date.now()): { token: string; expiresAt: number; jti: string } {
    const iat = Math.floor(now / 1000);
    const exp = iat + expirationSeconds;
    const jti = randomUUID();
    const k8s: Record<string, unknown> = { namespace: sa.namespace, serviceaccount: { name: sa.name, uid: sa.uid } };
    if (bound) k8s[bound.kind.toLowerCase()] = { name: bound.name, uid: bound.uid };
    const token = this.signJwt({ aud: audiences, exp, iat, iss: ISSUER, jti, 'kubernetes.io': k8s, nbf: iat, sub: `system:serviceaccount:${sa.namespace}:${sa.name}` });
    return { token, expiresAt: exp, jti };
  }

  /** A legacy token for a `kubernetes.io/service-account-token` Secret (never expires). */
  issueLegacy(sa: { namespace: string; name: string; uid: string }, secretName: string): string {
    return this.signJwt({
      iss: LEGACY_ISSUER,
      'kubernetes.io/serviceaccount/namespace': sa.namespace,
      'kubernetes.io/serviceaccount/secret.name': secretName,
      'kubernetes.io/serviceaccount/service-account.name': sa.name,
      'kubernetes.io/serviceaccount/service-account.uid': sa.uid,
      sub: `system:serviceaccount:${sa.namespace}:${sa.name}`,
    });
  }

  /** The claims of a token this issuer signed and that is still valid; undefined otherwise. */
  verify(token: string, now = Date.now()): ServiceAccountClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    let header: { alg?: string };
    let claims: Record<string, unknown>;
    try {
      header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as { alg?: string };
      claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return undefined;
    }
    if (header.alg !== 'RS256') return undefined;
    if (!verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), this.publicKey, Buffer.from(parts[2], 'base64url'))) return undefined;
    const seconds = Math.floor(now / 1000);
    if (claims.iss === LEGACY_ISSUER) {
      const ns = claims['kubernetes.io/serviceaccount/namespace'];
      const name = claims['kubernetes.io/serviceaccount/service-account.name'];
      const uid = claims['kubernetes.io/serviceaccount/service-account.uid'];
      const secret = claims['kubernetes.io/serviceaccount/secret.name'];
      if (typeof ns !== 'string' || typeof name !== 'string' || typeof uid !== 'string' || typeof secret !== 'string') return undefined;
      return { namespace: ns, name, uid, audiences: [API_AUDIENCE], legacySecret: secret };
    }
    if (claims.iss !== ISSUER) return undefined;
    if (typeof claims.exp !== 'number' || claims.exp < seconds) return undefined;
    if (typeof claims.nbf === 'number' && claims.nbf > seconds + 60) return undefined;
    const k8s = claims['kubernetes.io'] as { namespace?: string; serviceaccount?: { name?: string; uid?: string } } & Record<string, { name?: string; uid?: string }>;
    if (!k8s?.namespace || !k8s.serviceaccount?.name || !k8s.serviceaccount.uid) return undefined;
    const audiences = Array.isArray(claims.aud) ? (claims.aud as string[]) : typeof claims.aud === 'string' ? [claims.aud] : [];
    let bound: BoundObject | undefined;
    for (const kind of ['pod', 'secret', 'node']) {
      const ref = k8s[kind];
      if (ref?.name && ref.uid) bound = { kind: kind[0].toUpperCase() + kind.slice(1), name: ref.name, uid: ref.uid };
    }
    return { namespace: k8s.namespace, name: k8s.serviceaccount.name, uid: k8s.serviceaccount.uid, audiences, jti: typeof claims.jti === 'string' ? claims.jti : undefined, exp: claims.exp, bound };
  }
}
