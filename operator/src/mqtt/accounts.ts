import { createHash } from 'node:crypto';
import { deviceAcl, deviceId, operatorAcl, operatorClientId, type AclEntry } from '@kubeflash/protocol';
import type { DynsecCommand } from './dynsec-admin';

/**
 * Broker accounts as the operator wants them (pure): one dynamic-security client and role per Device, one for the
 * operator itself, each marked as managed by kubeflash for one DevicesCluster, and the commands that turn what
 * the broker has into that. Accounts without the marker are never touched.
 */

/** An ACL as mosquitto's dynamic-security plugin stores it. */
export interface DynsecAcl {
  acltype: 'publishClientSend' | 'publishClientReceive' | 'subscribePattern' | 'subscribeLiteral' | 'unsubscribePattern' | 'unsubscribeLiteral';
  topic: string;
  priority: number;
  allow: boolean;
}

/** The DevicesCluster an account belongs to. */
export interface ClusterRef {
  namespace: string;
  name: string;
  topicPrefix: string;
}

/** An account as it should be. */
export interface DesiredAccount {
  username: string;
  password: string;
  rolename: string;
  acls: DynsecAcl[];
  textname: string;
  /** The ownership marker and the credential fingerprint. */
  textdescription: string;
}

/** A client as the broker lists it (`listClients` verbose). */
export interface BrokerClient {
  username: string;
  textname?: string;
  textdescription?: string;
  roles: { rolename: string; priority?: number }[];
}

/** A role as the broker lists it (`listRoles` verbose). */
export interface BrokerRole {
  rolename: string;
  textdescription?: string;
  acls: DynsecAcl[];
}

const MARKER_PREFIX = 'managed by kubeflash-operator for DevicesCluster ';

/** The ownership marker of a DevicesCluster's accounts and roles. */
export function ownerMarker(cluster: { namespace: string; name: string }): string {
  return `${MARKER_PREFIX}${cluster.namespace}/${cluster.name}`;
}

/** The DevicesCluster (`namespace/name`) named by a marker, and the credential fingerprint when present. */
export function parseMarker(textdescription: string | undefined): { cluster: string; fingerprint?: string } | undefined {
  if (!textdescription?.startsWith(MARKER_PREFIX)) return undefined;
  const [cluster, ...rest] = textdescription.slice(MARKER_PREFIX.length).split('; ');
  const fp = rest.find((r) => r.startsWith('credentials '))?.slice('credentials '.length);
  return fp ? { cluster, fingerprint: fp } : { cluster };
}

/**
 * A short fingerprint of an account's password (first 16 hex digits of a SHA-256 over username and password),
 * kept in the account's description so drift is seen without reading passwords back. The passwords are 192-bit
 * random strings, so the fingerprint reveals nothing usable.
 */
export function credentialFingerprint(username: string, password: string): string {
  return createHash('sha256').update(`kubeflash-mqtt-credential\n${username}\n${password}`).digest('hex').slice(0, 16);
}

/** Protocol ACL entries (first match decides) as dynamic-security ACLs with descending priorities. */
export function toDynsecAcls(entries: readonly AclEntry[]): DynsecAcl[] {
  const type = { publish: 'publishClientSend', receive: 'publishClientReceive', subscribe: 'subscribePattern' } as const;
  return entries.map((e, i) => ({ acltype: type[e.action], topic: e.topic, priority: entries.length - i, allow: e.allow }));
}

const describe = (cluster: ClusterRef, username: string, password: string): string =>
  `${ownerMarker(cluster)}; credentials ${credentialFingerprint(username, password)}`;

/** Username (and client id) of the operator's own account for a DevicesCluster. */
export function operatorUsername(cluster: { namespace: string; name: string }): string {
  return operatorClientId(cluster.namespace, cluster.name);
}

/** Role of a device account. */
export function deviceRoleName(username: string): string {
  return `kubeflash-device.${username}`;
}

/** Role of the operator's own account of a DevicesCluster. */
export function operatorRoleName(cluster: { namespace: string; name: string }): string {
  return `kubeflash-operator.${cluster.namespace}.${cluster.name}`;
}

/** The account of one Device: username = device id, a role allowing exactly its own topics (deviceAcl). */
export function deviceAccount(cluster: ClusterRef, device: { namespace: string; name: string }, password: string): DesiredAccount {
  const username = deviceId(device.namespace, device.name);
  return {
    username,
    password,
    rolename: deviceRoleName(username),
    acls: toDynsecAcls(deviceAcl(cluster.topicPrefix, username)),
    textname: `kubeflash Device ${device.namespace}/${device.name}`,
    textdescription: describe(cluster, username, password),
  };
}

/** The operator's own account for a DevicesCluster: commands to every device, reports from every device (operatorAcl). */
export function operatorAccount(cluster: ClusterRef, password: string): DesiredAccount {
  const username = operatorUsername(cluster);
  return {
    username,
    password,
    rolename: operatorRoleName(cluster),
    acls: toDynsecAcls(operatorAcl(cluster.topicPrefix)),
    textname: `kubeflash operator for DevicesCluster ${cluster.namespace}/${cluster.name}`,
    textdescription: describe(cluster, username, password),
  };
}

const aclKey = (a: DynsecAcl): string => `${a.acltype}\u0000${a.topic}\u0000${a.priority}\u0000${a.allow}`;

/** True when both lists hold the same ACLs (order does not matter: the broker sorts them by priority). */
export function sameAcls(a: readonly DynsecAcl[], b: readonly DynsecAcl[]): boolean {
  if (a.length !== b.length) return false;
  const keys = new Set(a.map(aclKey));
  return b.every((x) => keys.has(aclKey(x)));
}

/** What to do about one account. */
export type AccountPlan =
  | { kind: 'commands'; commands: DynsecCommand[]; created: boolean; changes: string[] }
  | { kind: 'foreign'; message: string };

/**
 * Commands that make the broker's client and role match `desired` (none when they do): create what is missing,
 * fix a drifted role ACL list, role assignment or password. A client or role of the same name that is not marked
 * as this cluster's is foreign and left alone.
 */
export function planAccount(cluster: ClusterRef, desired: DesiredAccount, client: BrokerClient | undefined, role: BrokerRole | undefined): AccountPlan {
  const mine = ownerMarker(cluster);
  const commands: DynsecCommand[] = [];
  const changes: string[] = [];
  if (role && parseMarker(role.textdescription)?.cluster !== `${cluster.namespace}/${cluster.name}`) {
    return { kind: 'foreign', message: `the broker already has a role ${desired.rolename} that kubeflash did not create (its description is not "${mine}"); rename or delete it` };
  }
  if (client && parseMarker(client.textdescription)?.cluster !== `${cluster.namespace}/${cluster.name}`) {
    return { kind: 'foreign', message: `the broker already has an account ${desired.username} that kubeflash did not create (its description is not "${mine}"); delete it to let kubeflash manage it` };
  }
  if (!role) {
    commands.push({ command: 'createRole', rolename: desired.rolename, textname: desired.textname, textdescription: mine, acls: desired.acls });
  } else if (!sameAcls(role.acls, desired.acls)) {
    commands.push({ command: 'modifyRole', rolename: desired.rolename, acls: desired.acls });
    changes.push('role ACLs');
  }
  if (!client) {
    commands.push({
      command: 'createClient',
      username: desired.username,
      password: desired.password,
      textname: desired.textname,
      textdescription: desired.textdescription,
      roles: [{ rolename: desired.rolename, priority: 1 }],
    });
    return { kind: 'commands', commands, created: true, changes };
  }
  const modify: DynsecCommand = { command: 'modifyClient', username: desired.username };
  if (parseMarker(client.textdescription)?.fingerprint !== parseMarker(desired.textdescription)?.fingerprint) {
    Object.assign(modify, { password: desired.password, textdescription: desired.textdescription });
    changes.push('password');
  }
  if (client.roles.length !== 1 || client.roles[0].rolename !== desired.rolename) {
    Object.assign(modify, { roles: [{ rolename: desired.rolename, priority: 1 }] });
    changes.push('roles');
  }
  if (Object.keys(modify).length > 2) commands.push(modify);
  return { kind: 'commands', commands, created: false, changes };
}

/** Commands that remove a managed account and its role. */
export function removeAccountCommands(username: string, rolename: string): DynsecCommand[] {
  return [
    { command: 'deleteClient', username },
    { command: 'deleteRole', rolename },
  ];
}
