import { isDeepStrictEqual } from 'node:util';
import type { MqttClient } from 'mqtt';
import { connectSettings, operatorSubscriptions, type OutgoingMessage } from '@kubeflash/protocol';
import { operatorAccount, operatorUsername, parseMarker, planAccount, removeAccountCommands, type BrokerClient, type BrokerRole, type ClusterRef, type DesiredAccount } from './accounts';
import { connectMqtt, describeConnectError, isAuthRefused, type MqttEndpoint } from './connect';
import { DynsecAdmin } from './dynsec-admin';
import type { LogFields, Logger } from '../manager/logger';

/** How a BrokerSession reaches its broker. */
export interface BrokerSessionConfig {
  cluster: ClusterRef;
  /** The URI the operator uses (spec.mqtt.operatorBrokerUri, else brokerUri). */
  url: string;
  caPem?: string;
  /** mosquitto-dynsec: the admin account; absent with accountManagement none. */
  admin?: { username: string; password: string };
  /** The operator's own account: its password (dynsec: the operator creates the account) or the given credentials (none). */
  operator: { username?: string; password?: string };
  protocolVersion?: 4 | 5 | 'auto';
}

/** What the session reports about itself (DevicesCluster status.broker and Ready). */
export interface BrokerSessionStatus {
  /** Ingest connection up and subscribed. */
  connected: boolean;
  /** dynsec: admin connected and the plugin answered the listing. */
  administered?: boolean;
  managedAccounts?: number;
  protocolVersion?: 4 | 5;
  since: Date;
  /** Why it is not (fully) up; never contains a password. */
  problem?: { reason: 'BrokerUnreachable' | 'DynamicSecurityUnavailable' | 'Connecting'; message: string };
}

/** Receives the device reports the session subscribes to (`retained`: a stored copy delivered at subscribe time). */
export type ReportSink = (topic: string, payload: Buffer, retained: boolean) => void;

/** Result of ensuring an account. */
export type EnsureResult = { ok: true; created: boolean; changes: string[] } | { ok: false; message: string };

const backoff = (attempt: number): number => Math.min(30_000, 500 * 2 ** Math.min(attempt, 6));

/**
 * The operator's link to one DevicesCluster's broker: with mosquitto-dynsec an admin connection that lists,
 * creates, fixes and deletes the accounts it manages (cached from one listing per connect), and an ingest
 * connection with the operator's own account: a persistent session (clean start off, session expiry one hour)
 * subscribed with QoS 1 to every device report. Reconnects with backoff; never throws from its loops.
 */
export class BrokerSession {
  private admin: { client: MqttClient; dynsec: DynsecAdmin } | undefined;
  private ingest: MqttClient | undefined;
  private readonly clients = new Map<string, BrokerClient>();
  private readonly roles = new Map<string, BrokerRole>();
  private state: BrokerSessionStatus = { connected: false, since: new Date(), problem: { reason: 'Connecting', message: 'connecting to the broker' } };
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private connectedOnce = false;

  constructor(
    private config: BrokerSessionConfig,
    private readonly hooks: {
      onReport: ReportSink;
      /** Status changed (connected, lost, accounts counted). */
      onStatus: () => void;
      /** The admin listing was (re)loaded: accounts can be converged now. */
      onAccountsLoaded?: () => void;
      logger?: Logger;
    },
  ) {}

  get cluster(): ClusterRef {
    return this.config.cluster;
  }

  /** True when the session is administering accounts (mosquitto-dynsec). */
  get managesAccounts(): boolean {
    return this.config.admin !== undefined;
  }

  status(): BrokerSessionStatus {
    return this.state;
  }

  /** True when the new config differs in anything that needs new connections. */
  differs(config: BrokerSessionConfig): boolean {
    return !isDeepStrictEqual(config, this.config);
  }

  start(): void {
    this.loop ??= this.run();
  }

  private log(message: string, fields: LogFields = {}, level: 'info' | 'warn' = 'info'): void {
    this.hooks.logger?.[level](message, { cluster: `${this.config.cluster.namespace}/${this.config.cluster.name}`, ...fields });
  }

  private setStatus(next: Omit<BrokerSessionStatus, 'since'>): void {
    const changed = next.connected !== this.state.connected || next.administered !== this.state.administered || next.problem?.reason !== this.state.problem?.reason;
    this.state = { ...next, since: changed ? new Date() : this.state.since };
    this.hooks.onStatus();
  }

  private managedCount(): number {
    const mine = `${this.config.cluster.namespace}/${this.config.cluster.name}`;
    let n = 0;
    for (const c of this.clients.values()) if (parseMarker(c.textdescription)?.cluster === mine) n++;
    return n;
  }

  private endpoint(username: string | undefined, password: string | undefined, clientId: string): MqttEndpoint {
    return { url: this.config.url, username, password, clientId, caPem: this.config.caPem, protocolVersion: this.config.protocolVersion ?? 'auto' };
  }

  private async run(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      let closed: Promise<void> | undefined;
      try {
        ({ closed } = await this.connect());
        attempt = -1;
      } catch (err) {
        const message = describeConnectError(err);
        const dynsec = (err as { dynsec?: boolean }).dynsec === true;
        this.log('not connected to the broker', { url: this.config.url, error: message }, 'warn');
        this.setStatus({
          connected: false,
          ...(this.managesAccounts ? { administered: dynsec ? false : this.admin !== undefined } : {}),
          problem: { reason: dynsec ? 'DynamicSecurityUnavailable' : 'BrokerUnreachable', message },
        });
        await this.closeConnections();
      }
      if (this.stopped) break;
      if (closed) await Promise.race([closed, new Promise<void>((r) => (this.wake = r))]);
      if (this.stopped) break;
      if (closed) {
        this.log('the connection to the broker was lost; reconnecting', { url: this.config.url }, 'warn');
        this.setStatus({ connected: false, ...(this.managesAccounts ? { administered: false } : {}), problem: { reason: 'BrokerUnreachable', message: 'the connection to the broker was lost; reconnecting' } });
        await this.closeConnections();
      }
      await new Promise<void>((r) => {
        const timer = setTimeout(r, closed ? 500 : backoff(attempt));
        this.wake = () => {
          clearTimeout(timer);
          r();
        };
      });
    }
  }

  /** Connects admin (dynsec) and ingest; `closed` settles when either connection closes. */
  private async connect(): Promise<{ closed: Promise<void> }> {
    const { cluster } = this.config;
    const closes: Promise<void>[] = [];
    if (this.config.admin) {
      const { client } = await connectMqtt(
        this.endpoint(this.config.admin.username, this.config.admin.password, `kubeflash_admin.${cluster.namespace}.${cluster.name}`),
        connectSettings('device', 4),
      );
      closes.push(new Promise((r) => client.once('close', () => r())));
      let dynsec: DynsecAdmin;
      try {
        dynsec = await DynsecAdmin.attach(client, { timeoutMs: 15_000 });
        await this.loadAccounts(dynsec);
      } catch (err) {
        client.end(true);
        throw Object.assign(err instanceof Error ? err : new Error(String(err)), { dynsec: true });
      }
      this.admin = { client, dynsec };
      await this.ensureOperatorAccount();
      this.hooks.onAccountsLoaded?.();
    }
    const username = this.config.admin ? operatorUsername(cluster) : this.config.operator.username;
    const settings = connectSettings('operator', 5);
    const { client, protocolVersion } = await connectMqtt(this.endpoint(username, this.config.operator.password, operatorUsername(cluster)), settings);
    this.ingest = client;
    closes.push(new Promise((r) => client.once('close', () => r())));
    client.on('message', (topic, payload, packet) => this.hooks.onReport(topic, payload, packet.retain));
    const granted = await client.subscribeAsync(operatorSubscriptions(cluster.topicPrefix).map((topic) => ({ topic, qos: 1 as const })).reduce((o, s) => ({ ...o, [s.topic]: { qos: s.qos } }), {}));
    const refused = granted.filter((g) => g.qos === 128 || g.qos >= 0x80).map((g) => g.topic);
    if (refused.length > 0) throw new Error(`the broker refused the operator's subscriptions ${refused.join(', ')} (check its ACL)`);
    if (!this.connectedOnce) this.log('connected to the broker, subscribed to the device reports', { url: this.config.url, mqtt: protocolVersion === 5 ? '5' : '3.1.1', subscriptions: operatorSubscriptions(cluster.topicPrefix).join(' ') });
    this.connectedOnce = true;
    this.setStatus({
      connected: true,
      ...(this.managesAccounts ? { administered: true, managedAccounts: this.managedCount() } : {}),
      protocolVersion,
    });
    return { closed: Promise.race(closes) };
  }

  private async loadAccounts(dynsec: DynsecAdmin): Promise<void> {
    const [clients, roles] = await Promise.all([
      dynsec.must({ command: 'listClients', verbose: true, count: -1, offset: 0 }, 'of the broker'),
      dynsec.must({ command: 'listRoles', verbose: true, count: -1, offset: 0 }, 'of the broker'),
    ]);
    this.clients.clear();
    this.roles.clear();
    for (const c of ((clients.data as { clients?: BrokerClient[] })?.clients ?? [])) this.clients.set(c.username, { ...c, roles: c.roles ?? [] });
    for (const r of ((roles.data as { roles?: BrokerRole[] })?.roles ?? [])) this.roles.set(r.rolename, { ...r, acls: r.acls ?? [] });
  }

  private async ensureOperatorAccount(): Promise<void> {
    const password = this.config.operator.password;
    if (!password) throw new Error('the operator account has no password yet');
    const result = await this.ensureAccount(operatorAccount(this.config.cluster, password));
    if (!result.ok) throw Object.assign(new Error(result.message), { dynsec: true });
  }

  /** Creates or fixes one managed account (no commands when the broker already matches). */
  async ensureAccount(desired: DesiredAccount): Promise<EnsureResult> {
    const admin = this.admin;
    if (!admin) return { ok: false, message: `not connected to the broker's dynamic security (${this.state.problem?.message ?? 'connecting'})` };
    const plan = planAccount(this.config.cluster, desired, this.clients.get(desired.username), this.roles.get(desired.rolename));
    if (plan.kind === 'foreign') return { ok: false, message: plan.message };
    for (const command of plan.commands) {
      await admin.dynsec.must(command, `for ${desired.username}`);
      this.remember(command, desired);
    }
    if (plan.commands.length > 0) this.setStatus({ ...this.state, managedAccounts: this.managedCount() });
    return { ok: true, created: plan.created, changes: plan.changes };
  }

  private remember(command: { command: string } & Record<string, unknown>, desired: DesiredAccount): void {
    const mine = { textdescription: desired.textdescription };
    switch (command.command) {
      case 'createRole':
      case 'modifyRole':
        this.roles.set(desired.rolename, { rolename: desired.rolename, textdescription: (command.textdescription as string | undefined) ?? this.roles.get(desired.rolename)?.textdescription, acls: desired.acls });
        break;
      case 'createClient':
        this.clients.set(desired.username, { username: desired.username, textname: desired.textname, ...mine, roles: [{ rolename: desired.rolename, priority: 1 }] });
        break;
      case 'modifyClient': {
        const c = this.clients.get(desired.username);
        if (c) this.clients.set(desired.username, { ...c, ...mine, roles: [{ rolename: desired.rolename, priority: 1 }] });
        break;
      }
      default:
    }
  }

  /** True when the broker has a managed account of this cluster with that username. */
  hasManagedAccount(username: string): boolean {
    return parseMarker(this.clients.get(username)?.textdescription)?.cluster === `${this.config.cluster.namespace}/${this.config.cluster.name}`;
  }

  /** Deletes a managed account and its role (a missing one counts as deleted; a foreign one is left alone). */
  async removeAccount(username: string, rolename: string): Promise<{ ok: true } | { ok: false; message: string }> {
    const admin = this.admin;
    if (!admin) return { ok: false, message: `not connected to the broker's dynamic security (${this.state.problem?.message ?? 'connecting'})` };
    const mine = `${this.config.cluster.namespace}/${this.config.cluster.name}`;
    const [deleteClient, deleteRole] = removeAccountCommands(username, rolename);
    const client = this.clients.get(username);
    if (client && parseMarker(client.textdescription)?.cluster === mine) {
      await admin.dynsec.must(deleteClient, `for ${username}`, (e) => e === 'Client not found');
      this.clients.delete(username);
    }
    const role = this.roles.get(rolename);
    if (role && parseMarker(role.textdescription)?.cluster === mine) {
      await admin.dynsec.must(deleteRole, `for ${username}`, (e) => e === 'Role not found');
      this.roles.delete(rolename);
    }
    this.setStatus({ ...this.state, managedAccounts: this.managedCount() });
    return { ok: true };
  }

  /** Managed accounts of this cluster (usernames and role names), from the last listing plus later changes. */
  managedAccounts(): { username: string; rolenames: string[] }[] {
    const mine = `${this.config.cluster.namespace}/${this.config.cluster.name}`;
    return [...this.clients.values()].filter((c) => parseMarker(c.textdescription)?.cluster === mine).map((c) => ({ username: c.username, rolenames: c.roles.map((r) => r.rolename) }));
  }

  /** Managed roles of this cluster that no client holds (left behind by an interrupted removal). */
  unusedManagedRoles(): string[] {
    const mine = `${this.config.cluster.namespace}/${this.config.cluster.name}`;
    const held = new Set([...this.clients.values()].flatMap((c) => c.roles.map((r) => r.rolename)));
    return [...this.roles.values()].filter((r) => parseMarker(r.textdescription)?.cluster === mine && !held.has(r.rolename)).map((r) => r.rolename);
  }

  /** Deletes a managed role no client holds. */
  async removeRole(rolename: string): Promise<void> {
    const admin = this.admin;
    if (!admin) return;
    await admin.dynsec.must({ command: 'deleteRole', rolename }, `for ${rolename}`, (e) => e === 'Role not found');
    this.roles.delete(rolename);
  }

  /** Publishes a message with the operator's account; false when not connected. */
  async publish(message: OutgoingMessage | { topic: string; payload: string; qos: 0 | 1; retain: boolean }): Promise<boolean> {
    const client = this.ingest;
    if (!client || !this.state.connected) return false;
    await client.publishAsync(message.topic, message.payload, { qos: message.qos, retain: message.retain });
    return true;
  }

  /** Applies a new config: reconnects when anything about the connections changed. */
  reconfigure(config: BrokerSessionConfig): void {
    if (!this.differs(config)) return;
    this.config = config;
    this.log('broker settings changed; reconnecting', { url: config.url });
    void this.closeConnections();
    this.wake?.();
  }

  private async closeConnections(): Promise<void> {
    const admin = this.admin;
    const ingest = this.ingest;
    this.admin = undefined;
    this.ingest = undefined;
    admin?.dynsec.close('the admin connection closed');
    await Promise.all([admin?.client.endAsync(true).catch(() => undefined), ingest?.endAsync(true).catch(() => undefined)]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.closeConnections();
    await this.loop;
  }
}

export { isAuthRefused };
