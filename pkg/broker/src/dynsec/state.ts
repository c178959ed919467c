import { hashPassword, verifyPassword } from './password';
import { subscriptionAllowedBy, topicMatchesFilter } from './topic-match';
import { AclType, MOSQUITTO_DEFAULT_ACCESS, type DefaultAclAccess, type DynsecAcl, type DynsecClient, type DynsecConfig, type DynsecRole, type DynsecRoleRef } from './types';

/** What a client asks the broker to do with a topic. */
export type Access = 'publish' | 'receive' | 'subscribe' | 'unsubscribe';

/** One answer of a command, as mosquitto publishes it inside `{"responses":[...]}`. */
export interface DynsecResponse {
  command: string;
  error?: string;
  data?: unknown;
  correlationData?: string;
}

/** Outcome of a batch of commands: the answers and the usernames whose connections must be dropped. */
export interface CommandOutcome {
  responses: DynsecResponse[];
  kick: Set<string>;
  /** True when the state changed (the file must be saved). */
  changed: boolean;
}

const ACL_TYPES = new Set<string>(Object.values(AclType));
const byPriority = <T extends { priority?: number }>(a: T, b: T): number => (b.priority ?? -1) - (a.priority ?? -1);

type Command = Record<string, unknown>;
const str = (c: Command, key: string): string | undefined => (typeof c[key] === 'string' ? (c[key] as string) : undefined);

/**
 * The dynamic-security plugin's state and behaviour for the embedded broker: accounts with PBKDF2 passwords,
 * prioritised roles, the ACL decision procedure of mosquitto 2.0 (client roles by priority, each role's ACLs by
 * priority, first match decides, then the default access; `$CONTROL` is never granted by default) and the
 * `$CONTROL/dynamic-security/v1` commands kubeflash uses (clients, roles, default access; groups are not emulated).
 */
export class DynsecState {
  private readonly clients = new Map<string, DynsecClient>();
  private readonly roles = new Map<string, DynsecRole>();
  private defaults: DefaultAclAccess;

  constructor(config: DynsecConfig) {
    this.defaults = { ...MOSQUITTO_DEFAULT_ACCESS, ...config.defaultACLAccess };
    for (const r of config.roles) this.roles.set(r.rolename, { ...r, acls: [...r.acls].sort(byPriority) });
    for (const c of config.clients) this.clients.set(c.username, { ...c, roles: [...c.roles].sort(byPriority) });
  }

  /** The state as the dynamic-security file stores it. */
  toConfig(): DynsecConfig {
    return {
      defaultACLAccess: { ...this.defaults },
      clients: [...this.clients.values()].sort((a, b) => (a.username < b.username ? -1 : 1)),
      groups: [],
      roles: [...this.roles.values()].sort((a, b) => (a.rolename < b.rolename ? -1 : 1)),
    };
  }

  /** True when the username exists, is enabled, and the password matches. */
  authenticate(username: string | undefined, password: string | undefined): boolean {
    if (username === undefined || password === undefined) return false;
    const client = this.clients.get(username);
    if (!client || client.disabled || client.password === undefined || client.salt === undefined) return false;
    return verifyPassword(password, { password: client.password, salt: client.salt, iterations: client.iterations ?? 101 });
  }

  /** The client id an account is bound to, if any (mosquitto refuses other client ids for it). */
  boundClientId(username: string): string | undefined {
    return this.clients.get(username)?.clientid;
  }

  /** mosquitto's ACL decision for `username` doing `access` on `topic`. */
  allowed(username: string | undefined, access: Access, topic: string): boolean {
    const client = username === undefined ? undefined : this.clients.get(username);
    if (client) {
      for (const ref of client.roles) {
        const role = this.roles.get(ref.rolename);
        if (!role) continue;
        const decision = this.roleDecision(role, access, topic);
        if (decision !== undefined) return decision;
      }
    }
    const fallback = access === 'publish' ? this.defaults.publishClientSend : access === 'receive' ? this.defaults.publishClientReceive : access === 'subscribe' ? this.defaults.subscribe : this.defaults.unsubscribe;
    return fallback && !topic.startsWith('$CONTROL');
  }

  private roleDecision(role: DynsecRole, access: Access, topic: string): boolean | undefined {
    if (access === 'publish' || access === 'receive') {
      const type = access === 'publish' ? AclType.PublishClientSend : AclType.PublishClientReceive;
      for (const acl of role.acls) if (acl.acltype === type && topicMatchesFilter(acl.topic, topic)) return acl.allow;
      return undefined;
    }
    const literal = access === 'subscribe' ? AclType.SubscribeLiteral : AclType.UnsubscribeLiteral;
    const pattern = access === 'subscribe' ? AclType.SubscribePattern : AclType.UnsubscribePattern;
    const exact = role.acls.find((a) => a.acltype === literal && a.topic === topic);
    if (exact) return exact.allow;
    for (const acl of role.acls) if (acl.acltype === pattern && subscriptionAllowedBy(acl.topic, topic)) return acl.allow;
    return undefined;
  }

  /** Runs the commands of one `$CONTROL/dynamic-security/v1` message, in order. */
  run(commands: unknown): CommandOutcome {
    const outcome: CommandOutcome = { responses: [], kick: new Set(), changed: false };
    if (!Array.isArray(commands)) {
      outcome.responses.push({ command: 'Unknown command', error: 'Invalid/missing commands' });
      return outcome;
    }
    for (const item of commands) {
      if (typeof item !== 'object' || item === null) continue;
      const c = item as Command;
      const command = str(c, 'command');
      if (command === undefined) continue;
      const correlationData = c.correlationData;
      if (correlationData !== undefined && typeof correlationData !== 'string') {
        outcome.responses.push({ command, error: 'Invalid correlationData data type.' });
        return outcome;
      }
      const reply = (error?: string, data?: unknown): void => {
        outcome.responses.push({ command, ...(error ? { error } : {}), ...(data !== undefined ? { data } : {}), ...(correlationData ? { correlationData } : {}) });
      };
      this.dispatch(command, c, reply, outcome);
    }
    return outcome;
  }

  private dispatch(command: string, c: Command, reply: (error?: string, data?: unknown) => void, outcome: CommandOutcome): void {
    const changed = (): void => {
      outcome.changed = true;
    };
    const username = str(c, 'username');
    const rolename = str(c, 'rolename');
    switch (command.toLowerCase()) {
      case 'getdefaultaclaccess':
        return reply(undefined, {
          acls: [
            { acltype: 'publishClientSend', allow: this.defaults.publishClientSend },
            { acltype: 'publishClientReceive', allow: this.defaults.publishClientReceive },
            { acltype: 'subscribe', allow: this.defaults.subscribe },
            { acltype: 'unsubscribe', allow: this.defaults.unsubscribe },
          ],
        });
      case 'setdefaultaclaccess': {
        if (!Array.isArray(c.acls)) return reply('Missing/invalid actions array');
        for (const a of c.acls as { acltype?: unknown; allow?: unknown }[]) {
          if (typeof a.acltype !== 'string' || typeof a.allow !== 'boolean') continue;
          const key = ({ publishclientsend: 'publishClientSend', publishclientreceive: 'publishClientReceive', subscribe: 'subscribe', unsubscribe: 'unsubscribe' } as const)[a.acltype.toLowerCase() as 'subscribe'];
          if (key) this.defaults[key] = a.allow;
        }
        changed();
        return reply();
      }
      case 'createclient': {
        if (!username) return reply('Invalid/missing username');
        if (c.password !== undefined && typeof c.password !== 'string') return reply('Invalid/missing password');
        if (this.clients.has(username)) return reply('Client already exists');
        const roles = this.roleRefs(c.roles);
        if (roles === 'invalid') return reply("'roles' not an array or missing/invalid rolename");
        if (roles === 'missing') return reply('Role not found');
        if (Array.isArray(c.groups) && c.groups.length > 0) return reply('Group not found');
        const client: DynsecClient = { username, roles: roles ?? [] };
        if (str(c, 'clientid')) client.clientid = str(c, 'clientid');
        if (str(c, 'textname') !== undefined) client.textname = str(c, 'textname');
        if (str(c, 'textdescription') !== undefined) client.textdescription = str(c, 'textdescription');
        if (typeof c.password === 'string') Object.assign(client, hashPassword(c.password));
        this.clients.set(username, client);
        changed();
        return reply();
      }
      case 'deleteclient':
        if (!username) return reply('Invalid/missing username');
        if (!this.clients.delete(username)) return reply('Client not found');
        outcome.kick.add(username);
        changed();
        return reply();
      case 'enableclient':
      case 'disableclient': {
        if (!username) return reply('Invalid/missing username');
        const client = this.clients.get(username);
        if (!client) return reply('Client not found');
        if (command.toLowerCase() === 'disableclient') {
          client.disabled = true;
          outcome.kick.add(username);
        } else delete client.disabled;
        changed();
        return reply();
      }
      case 'setclientpassword': {
        if (!username) return reply('Invalid/missing username');
        if (typeof c.password !== 'string') return reply('Invalid/missing password');
        if (c.password === '') return reply('Empty password is not allowed');
        const client = this.clients.get(username);
        if (!client) return reply('Client not found');
        Object.assign(client, hashPassword(c.password));
        outcome.kick.add(username);
        changed();
        return reply();
      }
      case 'setclientid': {
        if (!username) return reply('Invalid/missing username');
        const client = this.clients.get(username);
        if (!client) return reply('Client not found');
        if (str(c, 'clientid')) client.clientid = str(c, 'clientid');
        else delete client.clientid;
        outcome.kick.add(username);
        changed();
        return reply();
      }
      case 'modifyclient': {
        if (!username) return reply('Invalid/missing username');
        const client = this.clients.get(username);
        if (!client) return reply('Client not found');
        const roles = c.roles === undefined ? undefined : this.roleRefs(c.roles);
        if (roles === 'invalid') return reply("'roles' not an array or missing/invalid rolename");
        if (roles === 'missing') return reply('Role not found');
        if (roles) client.roles = roles;
        if (typeof c.password === 'string') Object.assign(client, hashPassword(c.password));
        if (str(c, 'clientid') !== undefined) {
          if (str(c, 'clientid')) client.clientid = str(c, 'clientid');
          else delete client.clientid;
        }
        if (str(c, 'textname') !== undefined) client.textname = str(c, 'textname');
        if (str(c, 'textdescription') !== undefined) client.textdescription = str(c, 'textdescription');
        outcome.kick.add(username);
        changed();
        return reply();
      }
      case 'getclient': {
        if (!username) return reply('Invalid/missing username');
        const client = this.clients.get(username);
        if (!client) return reply('Client not found');
        return reply(undefined, { client: clientJson(client) });
      }
      case 'listclients': {
        const all = [...this.clients.values()].sort((a, b) => (a.username < b.username ? -1 : 1));
        const page = paginate(all, c);
        return reply(undefined, { totalCount: all.length, clients: c.verbose === true ? page.map(clientJson) : page.map((x) => x.username) });
      }
      case 'addclientrole':
      case 'removeclientrole': {
        if (!username) return reply('Invalid/missing username');
        if (!rolename) return reply('Invalid/missing rolename');
        const client = this.clients.get(username);
        if (!client) return reply('Client not found');
        if (!this.roles.has(rolename)) return reply('Role not found');
        client.roles = client.roles.filter((r) => r.rolename !== rolename);
        if (command.toLowerCase() === 'addclientrole') {
          client.roles.push({ rolename, priority: typeof c.priority === 'number' ? c.priority : -1 });
          client.roles.sort(byPriority);
        }
        outcome.kick.add(username);
        changed();
        return reply();
      }
      case 'createrole': {
        if (!rolename) return reply('Invalid/missing rolename');
        if (this.roles.has(rolename)) return reply('Role already exists');
        const acls = aclList(c.acls);
        const role: DynsecRole = { rolename, acls };
        if (str(c, 'textname') !== undefined) role.textname = str(c, 'textname');
        if (str(c, 'textdescription') !== undefined) role.textdescription = str(c, 'textdescription');
        this.roles.set(rolename, role);
        changed();
        return reply();
      }
      case 'deleterole':
        if (!rolename) return reply('Invalid/missing rolename');
        if (!this.roles.delete(rolename)) return reply('Role not found');
        for (const client of this.clients.values()) {
          const before = client.roles.length;
          client.roles = client.roles.filter((r) => r.rolename !== rolename);
          if (client.roles.length !== before) outcome.kick.add(client.username);
        }
        changed();
        return reply();
      case 'modifyrole': {
        if (!rolename) return reply('Invalid/missing rolename');
        const role = this.roles.get(rolename);
        if (!role) return reply('Role does not exist');
        if (Array.isArray(c.acls)) role.acls = aclList(c.acls);
        if (str(c, 'textname') !== undefined) role.textname = str(c, 'textname');
        if (str(c, 'textdescription') !== undefined) role.textdescription = str(c, 'textdescription');
        this.kickHolders(rolename, outcome);
        changed();
        return reply();
      }
      case 'getrole': {
        if (!rolename) return reply('Invalid/missing rolename');
        const role = this.roles.get(rolename);
        if (!role) return reply('Role not found');
        return reply(undefined, { role: roleJson(role) });
      }
      case 'listroles': {
        const all = [...this.roles.values()].sort((a, b) => (a.rolename < b.rolename ? -1 : 1));
        const page = paginate(all, c);
        return reply(undefined, { totalCount: all.length, roles: c.verbose === true ? page.map(roleJson) : page.map((r) => r.rolename) });
      }
      case 'addroleacl':
      case 'removeroleacl': {
        if (!rolename) return reply('Invalid/missing rolename');
        const acltype = str(c, 'acltype');
        if (!acltype) return reply('Invalid/missing acltype');
        if (!ACL_TYPES.has(acltype)) return reply('Unknown acltype');
        const topic = str(c, 'topic');
        if (!topic) return reply('Invalid/missing topic');
        const role = this.roles.get(rolename);
        if (!role) return reply('Role not found');
        const index = role.acls.findIndex((a) => a.acltype === acltype && a.topic === topic);
        if (command.toLowerCase() === 'addroleacl') {
          if (index >= 0) return reply('ACL with this topic already exists');
          role.acls.push({ acltype: acltype as AclType, topic, priority: typeof c.priority === 'number' ? c.priority : -1, allow: c.allow === true });
          role.acls.sort(byPriority);
        } else {
          if (index < 0) return reply('ACL not found');
          role.acls.splice(index, 1);
        }
        this.kickHolders(rolename, outcome);
        changed();
        return reply();
      }
      default:
        return reply('Unknown command');
    }
  }

  private kickHolders(rolename: string, outcome: CommandOutcome): void {
    for (const client of this.clients.values()) if (client.roles.some((r) => r.rolename === rolename)) outcome.kick.add(client.username);
  }

  private roleRefs(value: unknown): DynsecRoleRef[] | 'invalid' | 'missing' | undefined {
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) return 'invalid';
    const refs: DynsecRoleRef[] = [];
    for (const r of value as { rolename?: unknown; priority?: unknown }[]) {
      if (typeof r?.rolename !== 'string') return 'invalid';
      if (!this.roles.has(r.rolename)) return 'missing';
      refs.push({ rolename: r.rolename, priority: typeof r.priority === 'number' ? r.priority : -1 });
    }
    return refs.sort(byPriority);
  }
}

function aclList(value: unknown): DynsecAcl[] {
  if (!Array.isArray(value)) return [];
  const out: DynsecAcl[] = [];
  for (const a of value as Record<string, unknown>[]) {
    if (typeof a?.acltype !== 'string' || !ACL_TYPES.has(a.acltype) || typeof a.topic !== 'string') continue;
    out.push({ acltype: a.acltype as AclType, topic: a.topic, priority: typeof a.priority === 'number' ? a.priority : -1, allow: a.allow === true });
  }
  return out.sort(byPriority);
}

function paginate<T>(all: T[], c: Command): T[] {
  const offset = typeof c.offset === 'number' ? c.offset : 0;
  const count = typeof c.count === 'number' && c.count >= 0 ? c.count : Infinity;
  return all.slice(offset, offset + count);
}

function clientJson(c: DynsecClient): Record<string, unknown> {
  return {
    username: c.username,
    ...(c.clientid ? { clientid: c.clientid } : {}),
    ...(c.textname !== undefined ? { textname: c.textname } : {}),
    ...(c.textdescription !== undefined ? { textdescription: c.textdescription } : {}),
    ...(c.disabled ? { disabled: true } : {}),
    roles: c.roles.map((r) => ({ rolename: r.rolename, ...(r.priority !== undefined && r.priority !== -1 ? { priority: r.priority } : {}) })),
    groups: [],
  };
}

function roleJson(r: DynsecRole): Record<string, unknown> {
  return {
    rolename: r.rolename,
    ...(r.textname !== undefined ? { textname: r.textname } : {}),
    ...(r.textdescription !== undefined ? { textdescription: r.textdescription } : {}),
    acls: r.acls.map((a) => ({ acltype: a.acltype, topic: a.topic, priority: a.priority, allow: a.allow })),
  };
}
