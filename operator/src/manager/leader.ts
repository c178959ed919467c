import { ApiException, CoordinationV1Api, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { apiErrorMessage } from '../kube/apply';
import type { Logger } from './logger';

export interface LeaderElectionOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  leaseName: string;
  /** Unique per process, e.g. `<pod name>_<random>`. */
  identity: string;
  leaseDurationSeconds?: number;
  /** How often the leader renews and candidates retry. */
  retryPeriodMs?: number;
  onStartedLeading: () => void;
  /** Called once if leadership is lost without `stop()`; the process should stop its controllers. */
  onStoppedLeading: () => void;
  logger?: Logger;
  now?: () => Date;
}

export type LeaseDecision = 'acquire' | 'renew' | 'wait';

/** What a candidate may do with the lease as it stands now (pure). */
export function decideLease(lease: V1Lease | undefined, identity: string, now: Date): LeaseDecision {
  const spec = lease?.spec;
  if (!spec?.holderIdentity) return 'acquire';
  if (spec.holderIdentity === identity) return 'renew';
  const renewed = spec.renewTime ? new Date(spec.renewTime).getTime() : 0;
  const duration = (spec.leaseDurationSeconds ?? 15) * 1000;
  return renewed + duration < now.getTime() ? 'acquire' : 'wait';
}

function code(err: unknown): number | undefined {
  return err instanceof ApiException ? err.code : undefined;
}

/**
 * Lease-based leader election (coordination.k8s.io/v1), so that of several operator replicas only
 * one writes. Writes use the lease's resourceVersion, so two candidates racing for an expired lease
 * cannot both win (the loser gets 409 Conflict).
 */
export class LeaderElector {
  private timer: NodeJS.Timeout | undefined;
  private leading = false;
  private stopped = false;
  private readonly api: CoordinationV1Api;
  private readonly now: () => Date;

  constructor(private readonly options: LeaderElectionOptions) {
    this.api = options.kubeConfig.makeApiClient(CoordinationV1Api);
    this.now = options.now ?? (() => new Date());
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    void this.tick();
  }

  /** Stops campaigning and, when leading, releases the lease so another replica takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (!this.leading) return;
    this.leading = false;
    const { namespace, leaseName: name } = this.options;
    try {
      const lease = await this.api.readNamespacedLease({ name, namespace });
      if (lease.spec?.holderIdentity === this.options.identity) {
        lease.spec = { ...lease.spec, holderIdentity: undefined, leaseDurationSeconds: 1, renewTime: this.now() };
        await this.api.replaceNamespacedLease({ name, namespace, body: lease });
      }
    } catch (err) {
      this.options.logger?.warn('leader election: could not release the lease', { lease: `${namespace}/${name}`, error: apiErrorMessage(err) });
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), this.options.retryPeriodMs ?? 2000);
    this.timer.unref?.();
  }

  private async tick(): Promise<void> {
    try {
      const holding = await this.tryAcquireOrRenew();
      if (holding && !this.leading && !this.stopped) {
        this.leading = true;
        this.options.logger?.info('leader election: now the leader', { identity: this.options.identity });
        this.options.onStartedLeading();
      } else if (!holding && this.leading) {
        this.leading = false;
        this.options.logger?.warn('leader election: lost the lease', { identity: this.options.identity });
        this.options.onStoppedLeading();
      }
    } catch (err) {
      this.options.logger?.warn('leader election: cannot read or write the lease', { identity: this.options.identity, error: apiErrorMessage(err) });
    }
    this.schedule();
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, leaseName: name, identity } = this.options;
    const leaseDurationSeconds = this.options.leaseDurationSeconds ?? 15;
    const now = this.now();
    let lease: V1Lease | undefined;
    try {
      lease = await this.api.readNamespacedLease({ name, namespace });
    } catch (err) {
      if (code(err) !== 404) throw err;
    }
    if (!lease) {
      try {
        await this.api.createNamespacedLease({
          namespace,
          body: { metadata: { name, namespace }, spec: { holderIdentity: identity, leaseDurationSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 } },
        });
        return true;
      } catch (err) {
        if (code(err) === 409) return false;
        throw err;
      }
    }
    const decision = decideLease(lease, identity, now);
    if (decision === 'wait') return false;
    const spec = lease.spec ?? {};
    lease.spec = decision === 'renew'
      ? { ...spec, renewTime: now, leaseDurationSeconds }
      : { ...spec, holderIdentity: identity, acquireTime: now, renewTime: now, leaseDurationSeconds, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 };
    try {
      await this.api.replaceNamespacedLease({ name, namespace, body: lease });
      return true;
    } catch (err) {
      if (code(err) === 409) return false;
      throw err;
    }
  }
}
