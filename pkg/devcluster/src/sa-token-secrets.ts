/**
 * The token controller of kube-controller-manager for legacy ServiceAccount token Secrets: a
 * Secret of type `kubernetes.io/service-account-token` naming an existing ServiceAccount in its
 * `kubernetes.io/service-account.name` annotation gets `data.token` (a non-expiring token),
 * `data.ca.crt`, `data.namespace` and the `kubernetes.io/service-account.uid` annotation.
 */
import type { Api } from './api';
import type { TokenIssuer } from './auth/tokens';

const SA_NAME = 'kubernetes.io/service-account.name';
const SA_UID = 'kubernetes.io/service-account.uid';

export function populateTokenSecrets(api: Api, issuer: TokenIssuer, rootCA: string): boolean {
  let changed = false;
  for (const secret of api.store.list('/secrets')) {
    if (secret.type !== 'kubernetes.io/service-account-token' || secret.metadata.deletionTimestamp) continue;
    const data = (secret.data ?? {}) as Record<string, string>;
    if (data.token) continue;
    const saName = secret.metadata.annotations?.[SA_NAME];
    const namespace = secret.metadata.namespace ?? '';
    const sa = saName ? api.store.get('/serviceaccounts', namespace, saName) : undefined;
    if (!sa?.metadata.uid) continue;
    const uid = secret.metadata.annotations?.[SA_UID];
    if (uid && uid !== sa.metadata.uid) continue;
    const token = issuer.issueLegacy({ namespace, name: saName ?? '', uid: sa.metadata.uid }, secret.metadata.name ?? '');
    const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
    api.writeStored(
      '/secrets',
      {
        ...secret,
        metadata: { ...secret.metadata, annotations: { ...secret.metadata.annotations, [SA_UID]: sa.metadata.uid } },
        data: { ...data, 'ca.crt': b64(rootCA), namespace: b64(namespace), token: b64(token) },
      },
      'kube-controller-manager',
    );
    changed = true;
  }
  return changed;
}
