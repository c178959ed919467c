/**
 * An audit record of every request devcluster answered: who (user and groups), what (verb, API
 * group, resource, subresource, namespace, name or non-resource path) and the HTTP status. Tests
 * read it to prove what a component did, e.g. that an operator's RBAC produced no 403 and that
 * every permission it was granted was used.
 */
import type { UserInfo } from './api';
import type { RequestInfo } from './auth/request-info';

export interface AuditEntry {
  /** RFC 3339 with milliseconds. */
  time: string;
  user: string;
  groups: string[];
  verb: string;
  apiGroup: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  /** Set for non-resource requests (`/version`, `/apis`, ...). */
  path: string;
  code: number;
}

export class AuditLog {
  private entries: AuditEntry[] = [];

  constructor(private readonly limit = 200_000) {}

  record(user: UserInfo, info: RequestInfo, code: number): void {
    this.entries.push({
      time: new Date().toISOString(),
      user: user.username,
      groups: user.groups,
      verb: info.verb,
      apiGroup: info.apiGroup,
      resource: info.resource,
      subresource: info.subresource,
      namespace: info.namespace,
      name: info.name,
      path: info.resourceRequest ? '' : info.path,
      code,
    });
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
  }

  /** The entries so far (oldest first), optionally only one user's. */
  list(filter: { user?: string } = {}): AuditEntry[] {
    return filter.user ? this.entries.filter((e) => e.user === filter.user) : [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }
}
