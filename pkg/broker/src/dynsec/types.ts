/**
 * The mosquitto dynamic-security plugin's data model, as its JSON file (`plugin_opt_config_file`) and its
 * `$CONTROL/dynamic-security/v1` answers spell it (mosquitto 2.0, plugins/dynamic-security).
 */

/** ACL types of a role. */
export const AclType = {
  PublishClientSend: 'publishClientSend',
  PublishClientReceive: 'publishClientReceive',
  SubscribeLiteral: 'subscribeLiteral',
  SubscribePattern: 'subscribePattern',
  UnsubscribeLiteral: 'unsubscribeLiteral',
  UnsubscribePattern: 'unsubscribePattern',
} as const;
/** One ACL type. */
export type AclType = (typeof AclType)[keyof typeof AclType];

/** One ACL of a role; higher priority is checked first, the first matching ACL decides. */
export interface DynsecAcl {
  acltype: AclType;
  topic: string;
  priority: number;
  allow: boolean;
}

/** A role: a named, prioritised ACL list. */
export interface DynsecRole {
  rolename: string;
  textname?: string;
  textdescription?: string;
  acls: DynsecAcl[];
}

/** A role held by a client, with its priority among the client's roles. */
export interface DynsecRoleRef {
  rolename: string;
  priority?: number;
}

/** A client (an account) as the file stores it: the password as a PBKDF2-SHA512 hash. */
export interface DynsecClient {
  username: string;
  clientid?: string;
  textname?: string;
  textdescription?: string;
  disabled?: boolean;
  roles: DynsecRoleRef[];
  /** base64 of the 64-byte PBKDF2-HMAC-SHA512 hash. */
  password?: string;
  /** base64 of the 12-byte salt. */
  salt?: string;
  iterations?: number;
}

/** What happens when no ACL matches (mosquitto's defaults: send and subscribe denied, receive and unsubscribe allowed). */
export interface DefaultAclAccess {
  publishClientSend: boolean;
  publishClientReceive: boolean;
  subscribe: boolean;
  unsubscribe: boolean;
}

/** The dynamic-security file. */
export interface DynsecConfig {
  defaultACLAccess: DefaultAclAccess;
  clients: DynsecClient[];
  groups: { groupname: string; roles?: DynsecRoleRef[]; clients?: { username: string; priority?: number }[] }[];
  roles: DynsecRole[];
}

/** mosquitto's defaults for unmatched topics. */
export const MOSQUITTO_DEFAULT_ACCESS: DefaultAclAccess = { publishClientSend: false, publishClientReceive: true, subscribe: false, unsubscribe: true };

/** Topic of dynamic-security commands and of their answers. */
export const DYNSEC_CONTROL_TOPIC = '$CONTROL/dynamic-security/v1';
/** Topic the broker answers on (QoS 0, to every subscriber). */
export const DYNSEC_RESPONSE_TOPIC = `${DYNSEC_CONTROL_TOPIC}/response`;
