import type { Logger } from '../manager/logger';
import { BrokerSession, type BrokerSessionConfig } from './session';

/** Callbacks from the broker sessions to the controllers. */
export interface BrokerManagerHooks {
  /** A report arrived on `cluster`'s (`namespace/name`) session. */
  onReport(cluster: string, topic: string, payload: Buffer, retained: boolean): void;
  /** A session's status changed. */
  onStatus(cluster: string): void;
  /** A session (re)loaded the broker's accounts: converge that cluster's devices. */
  onAccountsLoaded(cluster: string): void;
  logger?: Logger;
}

/** One BrokerSession per DevicesCluster (`namespace/name`), created, reconfigured and stopped by the DevicesCluster controller. */
export class BrokerManager {
  private readonly sessions = new Map<string, BrokerSession>();

  constructor(private readonly hooks: BrokerManagerHooks) {}

  /** The session of a cluster, if one runs. */
  session(namespace: string | undefined, name: string): BrokerSession | undefined {
    return this.sessions.get(`${namespace ?? ''}/${name}`);
  }

  /** Starts the cluster's session, or reconfigures it when its connection settings changed. */
  ensure(key: string, config: BrokerSessionConfig): BrokerSession {
    const existing = this.sessions.get(key);
    if (existing) {
      existing.reconfigure(config);
      return existing;
    }
    const session = new BrokerSession(config, {
      onReport: (topic, payload, retained) => this.hooks.onReport(key, topic, payload, retained),
      onStatus: () => this.hooks.onStatus(key),
      onAccountsLoaded: () => this.hooks.onAccountsLoaded(key),
      logger: this.hooks.logger,
    });
    this.sessions.set(key, session);
    session.start();
    return session;
  }

  /** Stops and forgets a cluster's session (the DevicesCluster is gone or cannot be configured). */
  async remove(key: string): Promise<void> {
    const session = this.sessions.get(key);
    if (!session) return;
    this.sessions.delete(key);
    await session.stop();
  }

  keys(): string[] {
    return [...this.sessions.keys()];
  }

  async stop(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map((s) => s.stop()));
  }
}
