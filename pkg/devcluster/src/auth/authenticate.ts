/**
 * Authentication as kube-apiserver does it for devcluster's credentials: client certificates
 * signed by devcluster's CA (CN is the user, each O a group), ServiceAccount bearer tokens
 * (TokenRequest or legacy Secret tokens), anonymous requests; and impersonation headers.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { UserInfo } from '../api';
import type { Store } from '../store';
import type { TokenIssuer } from './tokens';

export const ANONYMOUS: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };
const AUTHENTICATED = 'system:authenticated';

export type AuthenticationResult = { user: UserInfo } | { unauthorized: string };

/** The user a ServiceAccount token stands for, when the token is valid and its ServiceAccount (and legacy Secret) still exist. */
export function tokenUser(issuer: TokenIssuer, store: Store, token: string): UserInfo | undefined {
  const claims = issuer.verify(token);
  if (!claims) return undefined;
  const sa = store.get('/serviceaccounts', claims.namespace, claims.name);
  if (!sa || sa.metadata.uid !== claims.uid) return undefined;
  if (claims.legacySecret) {
    const secret = store.get('/secrets', claims.namespace, claims.legacySecret);
    if (!secret || secret.metadata.annotations?.['kubernetes.io/service-account.uid'] !== claims.uid) return undefined;
  }
  if (claims.bound) {
    const key = claims.bound.kind === 'Secret' ? '/secrets' : claims.bound.kind === 'Pod' ? '/pods' : undefined;
    const obj = key ? store.get(key, claims.namespace, claims.bound.name) : undefined;
    if (!obj || obj.metadata.uid !== claims.bound.uid) return undefined;
  }
  const user: UserInfo = {
    username: `system:serviceaccount:${claims.namespace}:${claims.name}`,
    uid: claims.uid,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${claims.namespace}`, AUTHENTICATED],
  };
  if (claims.jti) user.extra = { 'authentication.kubernetes.io/credential-id': [`JTI=${claims.jti}`] };
  return user;
}

function subjectValues(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** The certificate identity of each TLS connection (kept for its keep-alive requests). */
const byConnection = new WeakMap<object, AuthenticationResult | null>();

/** CN and O values of an X.509 subject as Node prints it (one `KEY=value` per line). */
function subjectFields(subject: string): { cn: string[]; o: string[] } {
  const out = { cn: [] as string[], o: [] as string[] };
  for (const line of subject.split('\n')) {
    const eq = line.indexOf('=');
    const key = line.slice(0, eq);
    if (key === 'CN') out.cn.push(line.slice(eq + 1));
    else if (key === 'O') out.o.push(line.slice(eq + 1));
  }
  return out;
}

function certificateIdentity(socket: TLSSocket): AuthenticationResult | null {
  const known = byConnection.get(socket);
  if (known !== undefined) return known;
  let result: AuthenticationResult | null = null;
  // getPeerX509Certificate is far cheaper than getPeerCertificate (no full JS conversion of the chain).
  const x509 = typeof socket.getPeerX509Certificate === 'function' ? socket.getPeerX509Certificate() : undefined;
  if (x509) {
    if (!socket.authorized) result = { unauthorized: `verifying certificate: ${String(socket.authorizationError ?? 'unknown authority')}` };
    else {
      const { cn, o: groups } = subjectFields(x509.subject);
      const name = cn[0] ?? '';
      result = name ? { user: { username: name, groups: groups.includes(AUTHENTICATED) ? groups : [...groups, AUTHENTICATED] } } : { unauthorized: 'certificate has no common name' };
    }
  } else if (typeof socket.getPeerX509Certificate !== 'function') {
    const cert = socket.getPeerCertificate();
    if (cert && Object.keys(cert).length > 0) {
      if (!socket.authorized) result = { unauthorized: `verifying certificate: ${String(socket.authorizationError ?? 'unknown authority')}` };
      else {
        const name = subjectValues(cert.subject?.CN)[0] ?? '';
        const groups = subjectValues(cert.subject?.O);
        result = name ? { user: { username: name, groups: groups.includes(AUTHENTICATED) ? groups : [...groups, AUTHENTICATED] } } : { unauthorized: 'certificate has no common name' };
      }
    }
  }
  byConnection.set(socket, result);
  return result;
}

/** Who sent the request; `unauthorized` for credentials that do not check out (401). */
export function authenticate(req: IncomingMessage, issuer: TokenIssuer, store: Store): AuthenticationResult {
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    const user = m ? tokenUser(issuer, store, m[1]) : undefined;
    return user ? { user } : { unauthorized: 'invalid bearer token' };
  }
  const socket = req.socket as TLSSocket;
  const fromCertificate = typeof socket.getPeerCertificate === 'function' ? certificateIdentity(socket) : null;
  return fromCertificate ?? { user: ANONYMOUS };
}

/** The identity asked for with Impersonate-* headers, or undefined when there are none. */
export function impersonationRequest(req: IncomingMessage): UserInfo | undefined {
  const user = req.headers['impersonate-user'];
  const groups = subjectValues(req.headers['impersonate-group']).flatMap((g) => g.split(',').map((x) => x.trim()));
  const uid = req.headers['impersonate-uid'];
  const extra: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (k.startsWith('impersonate-extra-')) extra[decodeURIComponent(k.slice('impersonate-extra-'.length))] = subjectValues(v).flatMap((x) => x.split(',').map((y) => y.trim()));
  }
  if (typeof user !== 'string' || !user) {
    return groups.length || uid || Object.keys(extra).length ? { username: '', groups } : undefined;
  }
  const impersonated: UserInfo = { username: user, groups: [...groups], extra: Object.keys(extra).length ? extra : undefined, uid: typeof uid === 'string' ? uid : undefined };
  if (user.startsWith('system:serviceaccount:')) {
    const ns = user.split(':')[2];
    for (const g of ['system:serviceaccounts', `system:serviceaccounts:${ns}`]) if (!impersonated.groups.includes(g)) impersonated.groups.push(g);
  }
  if (user !== 'system:anonymous' && !impersonated.groups.includes(AUTHENTICATED)) impersonated.groups.push(AUTHENTICATED);
  return impersonated;
}
