/**
 * The authorizers of kube-apiserver: members of `system:masters` may do anything; everyone else
 * is authorized by RBAC (ClusterRoleBindings first, then the RoleBindings of the namespace), with
 * the RBAC authorizer's rule matching (verbs, API groups, resources and `*\/sub` subresources,
 * resourceNames, non-resource URLs with a trailing `*`) and its "allowed by" reasons.
 */
import type { Store } from '../store';
import type { UserInfo } from '../api';

const RBAC = 'rbac.authorization.k8s.io';
export const MASTERS = 'system:masters';

/** What a request asks for (kube-apiserver's authorizer.Attributes). */
export interface Attributes {
  user: UserInfo;
  verb: string;
  resourceRequest: boolean;
  apiGroup: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  /** For non-resource requests. */
  path: string;
}

export interface Decision {
  allowed: boolean;
  reason: string;
}

export interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

interface Binding {
  metadata: { name?: string; namespace?: string };
  roleRef?: { kind?: string; name?: string };
  subjects?: Subject[];
}

const has = (list: string[] | undefined, value: string) => !!list && (list.includes('*') || list.includes(value));

function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  for (const r of rule.resources ?? []) {
    if (r === '*' || r === combined) return true;
    if (subresource && r.startsWith('*/') && r.slice(2) === subresource) return true;
  }
  return false;
}

function urlMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === '*' || u === path) return true;
    if (u.endsWith('*') && path.startsWith(u.slice(0, -1))) return true;
  }
  return false;
}

/** rbac's RuleAllows. */
export function ruleAllows(a: Attributes, rule: PolicyRule): boolean {
  if (!has(rule.verbs, a.verb)) return false;
  if (!a.resourceRequest) return urlMatches(rule, a.path);
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  if (!has(rule.apiGroups, a.apiGroup) || !resourceMatches(rule, combined, a.subresource)) return false;
  return !rule.resourceNames?.length || rule.resourceNames.includes(a.name);
}

function appliesTo(user: UserInfo, subject: Subject, namespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.username === subject.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const ns = subject.namespace || namespace;
      return !!ns && user.username === `system:serviceaccount:${ns}:${subject.name}`;
    }
    default:
      return false;
  }
}

function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') return `${s.kind} ${JSON.stringify(`${s.name}/${s.namespace || bindingNamespace}`)}`;
  return `${s.kind} ${JSON.stringify(s.name)}`;
}

/** RBAC over the objects in the store. */
export class RbacAuthorizer {
  constructor(private readonly store: Store) {}

  private rulesOf(kind: string | undefined, name: string | undefined, namespace: string | undefined): PolicyRule[] {
    if (!name) return [];
    const role = kind === 'ClusterRole' ? this.store.get(`${RBAC}/clusterroles`, undefined, name) : kind === 'Role' && namespace ? this.store.get(`${RBAC}/roles`, namespace, name) : undefined;
    return (role?.rules as PolicyRule[] | undefined) ?? [];
  }

  /** Visits every rule that applies to the user in the namespace, in the RBAC authorizer's order; stops when `visit` returns false. */
  private visitRules(user: UserInfo, namespace: string, visit: (source: string, rule: PolicyRule) => boolean): void {
    for (const binding of this.store.list(`${RBAC}/clusterrolebindings`) as Binding[]) {
      const subject = (binding.subjects ?? []).find((s) => appliesTo(user, s, ''));
      if (!subject) continue;
      const source = `ClusterRoleBinding ${JSON.stringify(binding.metadata.name ?? '')} of ${binding.roleRef?.kind ?? ''} ${JSON.stringify(binding.roleRef?.name ?? '')} to ${describeSubject(subject, '')}`;
      for (const rule of this.rulesOf(binding.roleRef?.kind, binding.roleRef?.name, undefined)) if (!visit(source, rule)) return;
    }
    if (!namespace) return;
    for (const binding of this.store.list(`${RBAC}/rolebindings`, namespace) as Binding[]) {
      const subject = (binding.subjects ?? []).find((s) => appliesTo(user, s, namespace));
      if (!subject) continue;
      const source = `RoleBinding ${JSON.stringify(`${binding.metadata.name ?? ''}/${namespace}`)} of ${binding.roleRef?.kind ?? ''} ${JSON.stringify(binding.roleRef?.name ?? '')} to ${describeSubject(subject, namespace)}`;
      for (const rule of this.rulesOf(binding.roleRef?.kind, binding.roleRef?.name, namespace)) if (!visit(source, rule)) return;
    }
  }

  authorize(a: Attributes): Decision {
    if (a.user.groups.includes(MASTERS)) return { allowed: true, reason: '' };
    let reason = '';
    this.visitRules(a.user, a.resourceRequest ? a.namespace : '', (source, rule) => {
      if (!ruleAllows(a, rule)) return true;
      reason = `RBAC: allowed by ${source}`;
      return false;
    });
    return { allowed: reason !== '', reason };
  }

  /** The rules a user has in a namespace (SelfSubjectRulesReview). */
  rulesFor(user: UserInfo, namespace: string): { resourceRules: PolicyRule[]; nonResourceRules: PolicyRule[] } {
    const resourceRules: PolicyRule[] = [];
    const nonResourceRules: PolicyRule[] = [];
    if (user.groups.includes(MASTERS)) {
      resourceRules.push({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] });
      nonResourceRules.push({ verbs: ['*'], nonResourceURLs: ['*'] });
    }
    this.visitRules(user, namespace, (_source, rule) => {
      if (rule.nonResourceURLs?.length) nonResourceRules.push({ verbs: rule.verbs, nonResourceURLs: rule.nonResourceURLs });
      else resourceRules.push({ verbs: rule.verbs, apiGroups: rule.apiGroups, resources: rule.resources, resourceNames: rule.resourceNames });
      return true;
    });
    return { resourceRules, nonResourceRules };
  }
}

/** kube-apiserver's 403 text for a denied request. */
export function forbiddenMessage(a: Attributes): string {
  const user = JSON.stringify(a.user.username);
  if (!a.resourceRequest) return `User ${user} cannot ${a.verb} path ${JSON.stringify(a.path)}`;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  if (a.namespace) return `User ${user} cannot ${a.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(a.apiGroup)} in the namespace ${JSON.stringify(a.namespace)}`;
  return `User ${user} cannot ${a.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(a.apiGroup)} at the cluster scope`;
}
