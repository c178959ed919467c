import { ApiException } from '@kubernetes/client-node';
import { SIGNING_KEY_SECRET } from '../../artifacts/signing';
import type { Logger } from '../../manager/logger';
import type { OperatorMetrics } from '../../manager/metrics';
import type { FleetCaches } from '../caches';
import type { FleetListener } from '../fleet-events';
import { KeyedController } from '../keyed-controller';
import type { ApiWriter } from '../writer';
import { desiredSigningKey } from './desired';

/**
 * Creates the firmware signing key Secret once in every namespace that has a DevicesCluster, so devices get
 * `ota_pubkey` from their first config on (the artifact service creates it too when it signs first). Keys are
 * namespaces; never replaces an existing key (rotation is deleting the Secret: a new key and new device configs).
 */
export class SigningKeyController extends KeyedController implements FleetListener {
  constructor(options: { caches: FleetCaches; writer: ApiWriter; metrics?: OperatorMetrics; logger?: Logger }) {
    const { caches, writer } = options;
    super(
      'signingkey',
      async (namespace) => {
        const secret = desiredSigningKey({
          namespace,
          clusters: caches.clusters.list(namespace).length,
          hasKey: caches.configSecrets.get(namespace, SIGNING_KEY_SECRET) !== undefined,
        });
        if (!secret) return;
        try {
          await writer.createSecret(secret);
          options.logger?.info('signingkey: created the firmware signing key Secret', { namespace, secret: SIGNING_KEY_SECRET, keyId: secret.metadata?.annotations?.['kubeflash.dev/key-id'] });
        } catch (err) {
          if (!(err instanceof ApiException && err.code === 409)) throw err;
        }
      },
      () => [...new Set(caches.clusters.list().map((c) => c.metadata.namespace ?? 'default'))],
      { metrics: options.metrics, logger: options.logger, concurrency: 1 },
    );
    caches.configSecrets.on('delete', (s) => {
      if (s.metadata?.name === SIGNING_KEY_SECRET) this.enqueue([s.metadata.namespace ?? 'default']);
    });
  }

  membershipChanged(change: { clusters: Iterable<string> }): void {
    this.enqueue([...change.clusters].map((key) => key.split('/')[0]));
  }
}
