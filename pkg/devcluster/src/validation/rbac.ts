/**
 * Validation and defaults of rbac.authorization.k8s.io/v1 (pkg/apis/rbac/validation of
 * kubernetes/kubernetes): rules, aggregation rules, role references and subjects.
 */
import type { StatusCause } from '../errors';
import { invalid, notSupported, required } from '../schema/field-errors';
import type { KObject } from '../store';

type Obj = Record<string, unknown>;
const RBAC = 'rbac.authorization.k8s.io';
const SA_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function isMap(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** ValidatePathSegmentName: RBAC names may hold ':' but not '/' or '%', nor be '.' or '..'. */
export function rbacNameProblems(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const out: string[] = [];
  if (name.includes('/')) out.push("may not contain '/'");
  if (name.includes('%')) out.push("may not contain '%'");
  return out;
}

function validateRule(rule: Obj, namespaced: boolean, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  if (list(rule.verbs).length === 0) causes.push(required(`${path}.verbs`, 'verbs must contain at least one value'));
  const urls = list(rule.nonResourceURLs);
  if (urls.length > 0) {
    if (namespaced) causes.push(invalid(`${path}.nonResourceURLs`, urls, 'namespaced rules cannot apply to non-resource URLs'));
    if (list(rule.apiGroups).length || list(rule.resources).length || list(rule.resourceNames).length) {
      causes.push(invalid(`${path}.nonResourceURLs`, urls, 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return causes;
  }
  if (list(rule.apiGroups).length === 0) causes.push(required(`${path}.apiGroups`, 'resource rules must supply at least one api group'));
  if (list(rule.resources).length === 0) causes.push(required(`${path}.resources`, 'resource rules must supply at least one resource'));
  return causes;
}

function validateNameOf(obj: KObject): StatusCause[] {
  const name = obj.metadata.name ?? '';
  return name ? rbacNameProblems(name).map((m) => invalid('metadata.name', name, m)) : [];
}

export function validateRole(obj: KObject): StatusCause[] {
  return list(obj.rules).flatMap((r, i) => validateRule(isMap(r) ? r : {}, true, `rules[${i}]`));
}

export function validateClusterRole(obj: KObject): StatusCause[] {
  const causes = list(obj.rules).flatMap((r, i) => validateRule(isMap(r) ? r : {}, false, `rules[${i}]`));
  const aggregation = obj.aggregationRule;
  if (isMap(aggregation) && list(aggregation.clusterRoleSelectors).length === 0) {
    causes.push(required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
  }
  return causes;
}

function validateSubject(subject: Obj, namespaced: boolean, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const name = typeof subject.name === 'string' ? subject.name : '';
  const apiGroup = typeof subject.apiGroup === 'string' ? subject.apiGroup : '';
  if (!name) causes.push(required(`${path}.name`));
  switch (subject.kind) {
    case 'ServiceAccount':
      if (name && !SA_NAME.test(name)) {
        causes.push(invalid(`${path}.name`, name, "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"));
      }
      if (apiGroup) causes.push(notSupported(`${path}.apiGroup`, apiGroup, ['']));
      if (!namespaced && !subject.namespace) causes.push(required(`${path}.namespace`));
      break;
    case 'User':
    case 'Group':
      if (apiGroup !== RBAC) causes.push(notSupported(`${path}.apiGroup`, apiGroup, [RBAC]));
      break;
    default:
      causes.push(notSupported(`${path}.kind`, subject.kind ?? '', ['ServiceAccount', 'User', 'Group']));
  }
  return causes;
}

function validateBinding(obj: KObject, old: KObject | undefined, namespaced: boolean): StatusCause[] {
  const causes: StatusCause[] = [];
  const ref = isMap(obj.roleRef) ? obj.roleRef : {};
  if (ref.apiGroup !== RBAC) causes.push(notSupported('roleRef.apiGroup', ref.apiGroup ?? '', [RBAC]));
  if (ref.kind !== 'Role' && ref.kind !== 'ClusterRole') causes.push(notSupported('roleRef.kind', ref.kind ?? '', ['Role', 'ClusterRole']));
  if (!ref.name) causes.push(required('roleRef.name'));
  else for (const m of rbacNameProblems(String(ref.name))) causes.push(invalid('roleRef.name', ref.name, m));
  list(obj.subjects).forEach((s, i) => causes.push(...validateSubject(isMap(s) ? s : {}, namespaced, `subjects[${i}]`)));
  if (old && JSON.stringify(old.roleRef) !== JSON.stringify(obj.roleRef)) {
    // The internal RoleRef has no JSON tags, so the message shows Go's field names.
    causes.push(invalid('roleRef', { APIGroup: ref.apiGroup ?? '', Kind: ref.kind ?? '', Name: ref.name ?? '' }, 'cannot change roleRef'));
  }
  return causes;
}

export const validateRoleBinding = (obj: KObject, old: KObject | undefined) => validateBinding(obj, old, true);
export const validateClusterRoleBinding = (obj: KObject, old: KObject | undefined) => validateBinding(obj, old, false);

/** SetDefaults_RoleBinding/ClusterRoleBinding and SetDefaults_Subject. */
export function bindingDefaults(obj: KObject): void {
  if (isMap(obj.roleRef) && !obj.roleRef.apiGroup) obj.roleRef = { ...obj.roleRef, apiGroup: RBAC };
  if (Array.isArray(obj.subjects)) {
    obj.subjects = obj.subjects.map((s) => (isMap(s) && !s.apiGroup && (s.kind === 'User' || s.kind === 'Group') ? { ...s, apiGroup: RBAC } : s));
  }
}

export { validateNameOf as validateRbacName };
