import { readFile, rename, writeFile } from 'node:fs/promises';
import { hashPassword } from './password';
import { AclType, DYNSEC_CONTROL_TOPIC, type DefaultAclAccess, type DynsecAcl, type DynsecClient, type DynsecConfig, type DynsecRole } from './types';

/** An account to put into a new dynamic-security file. */
export interface SeedAccount {
  username: string;
  password: string;
  textname?: string;
  textdescription?: string;
  /** Role names, highest priority first. */
  roles?: string[];
}

/** What a new dynamic-security file holds. */
export interface SeedOptions {
  /** The administrator: may only use `$CONTROL/dynamic-security/#` (it never sees device traffic). */
  admin: { username: string; password: string };
  accounts?: SeedAccount[];
  roles?: DynsecRole[];
  /** Default access for topics no ACL matches (default: deny everything but unsubscribe). */
  defaultACLAccess?: DefaultAclAccess;
}

/** Role of the administrator account of a seeded file. */
export const ADMIN_ROLE = 'kubeflash-broker-admin';

/** The administrator role: send, receive and subscribe on the dynamic-security control topics only. */
export function adminRole(): DynsecRole {
  const topic = `${DYNSEC_CONTROL_TOPIC.split('/').slice(0, 2).join('/')}/#`;
  const acls: DynsecAcl[] = [
    { acltype: AclType.PublishClientSend, topic, priority: 0, allow: true },
    { acltype: AclType.PublishClientReceive, topic, priority: 0, allow: true },
    { acltype: AclType.SubscribePattern, topic, priority: 0, allow: true },
    { acltype: AclType.UnsubscribePattern, topic, priority: 0, allow: true },
  ];
  return { rolename: ADMIN_ROLE, textname: 'kubeflash broker administrator (dynamic security only)', acls };
}

/**
 * A dynamic-security file (mosquitto's `plugin_opt_config_file`) with an administrator, optional accounts and
 * roles, and default-deny access: what `mosquitto_ctrl dynsec init` makes, with a narrower admin role.
 */
export function seedDynsecConfig(options: SeedOptions): DynsecConfig {
  const account = (a: SeedAccount): DynsecClient => ({
    username: a.username,
    ...(a.textname !== undefined ? { textname: a.textname } : {}),
    ...(a.textdescription !== undefined ? { textdescription: a.textdescription } : {}),
    roles: (a.roles ?? []).map((rolename, i, all) => ({ rolename, priority: all.length - i })),
    ...hashPassword(a.password),
  });
  return {
    defaultACLAccess: options.defaultACLAccess ?? { publishClientSend: false, publishClientReceive: false, subscribe: false, unsubscribe: true },
    clients: [account({ ...options.admin, roles: [ADMIN_ROLE], textname: 'kubeflash broker administrator' }), ...(options.accounts ?? []).map(account)],
    groups: [],
    roles: [adminRole(), ...(options.roles ?? [])],
  };
}

/** Reads a dynamic-security file. */
export async function readDynsecFile(path: string): Promise<DynsecConfig> {
  const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<DynsecConfig>;
  if (!Array.isArray(parsed.clients) || !Array.isArray(parsed.roles)) throw new Error(`${path} is not a dynamic-security file: clients and roles must be arrays`);
  return { defaultACLAccess: parsed.defaultACLAccess ?? { publishClientSend: false, publishClientReceive: true, subscribe: false, unsubscribe: true }, clients: parsed.clients, groups: parsed.groups ?? [], roles: parsed.roles };
}

/** Writes a dynamic-security file atomically (mode 0600: it holds password hashes). */
export async function writeDynsecFile(path: string, config: DynsecConfig): Promise<void> {
  const tmp = `${path}.tmp`;
  await writeFile(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, path);
}
