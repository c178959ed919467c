/**
 * The create-only review APIs of authentication.k8s.io/v1 and authorization.k8s.io/v1 and the
 * `token` subresource of ServiceAccounts: TokenRequest, TokenReview, SelfSubjectReview,
 * SubjectAccessReview, LocalSubjectAccessReview, SelfSubjectAccessReview and
 * SelfSubjectRulesReview. Nothing is stored; the answer is the request with its status.
 */
import type { UserInfo } from '../api';
import { badRequest, StatusError, type StatusCause } from '../errors';
import type { ResourceType } from '../registry';
import { invalid, required } from '../schema/field-errors';
import type { KObject, Store } from '../store';
import * as authentication from '../typed/kinds/authentication';
import * as authorization from '../typed/kinds/authorization';
import { formatTime } from '../typed/gotime';
import type { StructType } from '../typed/types';
import { validateTokenRequest } from '../validation/core';
import { tokenUser } from './authenticate';
import { type Attributes, type RbacAuthorizer } from './rbac';
import { API_AUDIENCE, type BoundObject, type TokenIssuer } from './tokens';

type Obj = Record<string, unknown>;

function isMap(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** What a review needs: the requesting user and the cluster's authentication and authorization. */
export interface ReviewContext {
  user: UserInfo;
  namespace?: string;
  authorizer: RbacAuthorizer;
  issuer: TokenIssuer;
  store: Store;
}

/** A create-only resource answered by `review` (never stored). */
export interface ReviewType {
  group: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  goType: StructType;
  review: (obj: KObject, ctx: ReviewContext) => KObject;
}

function invalidReview(kind: string, group: string, causes: StatusCause[]): StatusError {
  const list = causes.map((c) => `${c.field}: ${c.message}`);
  return new StatusError(422, 'Invalid', `${kind}.${group} "" is invalid: ${list.length === 1 ? list[0] : `[${list.join(', ')}]`}`, { group, kind, causes });
}

function attributesOf(spec: Obj, user: UserInfo): Attributes {
  const ra = isMap(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
  const na = isMap(spec.nonResourceAttributes) ? spec.nonResourceAttributes : undefined;
  const s = (v: unknown) => (typeof v === 'string' ? v : '');
  if (ra) return { user, verb: s(ra.verb), resourceRequest: true, apiGroup: s(ra.group), resource: s(ra.resource), subresource: s(ra.subresource), namespace: s(ra.namespace), name: s(ra.name), path: '' };
  return { user, verb: s(na?.verb), resourceRequest: false, apiGroup: '', resource: '', subresource: '', namespace: '', name: '', path: s(na?.path) };
}

function accessStatus(decision: { allowed: boolean; reason: string }): Obj {
  return decision.reason ? { allowed: decision.allowed, reason: decision.reason } : { allowed: decision.allowed };
}

function checkAttributes(kind: string, spec: Obj): void {
  const causes: StatusCause[] = [];
  const hasResource = isMap(spec.resourceAttributes);
  const hasNonResource = isMap(spec.nonResourceAttributes);
  if (hasResource && hasNonResource) causes.push(invalid('spec.resourceAttributes', spec.resourceAttributes, 'cannot be specified in combination with nonResourceAttributes'));
  if (!hasResource && !hasNonResource) causes.push(required('spec.resourceAttributes', 'exactly one of nonResourceAttributes or resourceAttributes must be specified'));
  if (causes.length) throw invalidReview(kind, 'authorization.k8s.io', causes);
}

function userOf(spec: Obj): UserInfo {
  const groups = Array.isArray(spec.groups) ? (spec.groups as string[]) : [];
  const extra = isMap(spec.extra) ? (spec.extra as Record<string, string[]>) : undefined;
  return { username: typeof spec.user === 'string' ? spec.user : '', groups, extra, uid: typeof spec.uid === 'string' ? spec.uid : undefined };
}

export const REVIEW_TYPES: ReviewType[] = [
  {
    group: 'authentication.k8s.io',
    kind: 'TokenReview',
    plural: 'tokenreviews',
    namespaced: false,
    goType: authentication.TokenReview,
    review(obj, ctx) {
      const spec = isMap(obj.spec) ? obj.spec : {};
      const token = typeof spec.token === 'string' ? spec.token : '';
      const wanted = Array.isArray(spec.audiences) && spec.audiences.length ? (spec.audiences as string[]) : [API_AUDIENCE];
      const claims = token ? ctx.issuer.verify(token) : undefined;
      const user = token ? tokenUser(ctx.issuer, ctx.store, token) : undefined;
      const audiences = claims ? wanted.filter((a) => claims.audiences.includes(a)) : [];
      if (!user || !claims || audiences.length === 0) {
        return { ...obj, status: { user: {}, error: claims && audiences.length === 0 ? '[invalid bearer token, token audiences "" is invalid for the target audiences]' : '[invalid bearer token, square/go-jose: error in cryptographic primitive]' } };
      }
      const userInfo: Obj = { username: user.username, uid: user.uid, groups: user.groups };
      if (user.extra) userInfo.extra = user.extra;
      return { ...obj, status: { authenticated: true, user: userInfo, audiences } };
    },
  },
  {
    group: 'authentication.k8s.io',
    kind: 'SelfSubjectReview',
    plural: 'selfsubjectreviews',
    namespaced: false,
    goType: authentication.SelfSubjectReview,
    review(obj, ctx) {
      const u = ctx.user;
      return { ...obj, status: { userInfo: { username: u.username, uid: u.uid, groups: u.groups, extra: u.extra } } };
    },
  },
  {
    group: 'authorization.k8s.io',
    kind: 'SubjectAccessReview',
    plural: 'subjectaccessreviews',
    namespaced: false,
    goType: authorization.SubjectAccessReview,
    review(obj, ctx) {
      const spec = isMap(obj.spec) ? obj.spec : {};
      checkAttributes('SubjectAccessReview', spec);
      if (!spec.user && !(Array.isArray(spec.groups) && spec.groups.length)) {
        throw invalidReview('SubjectAccessReview', 'authorization.k8s.io', [invalid('spec.user', '', 'at least one of user or group must be specified')]);
      }
      return { ...obj, status: accessStatus(ctx.authorizer.authorize(attributesOf(spec, userOf(spec)))) };
    },
  },
  {
    group: 'authorization.k8s.io',
    kind: 'LocalSubjectAccessReview',
    plural: 'localsubjectaccessreviews',
    namespaced: true,
    goType: authorization.LocalSubjectAccessReview,
    review(obj, ctx) {
      const spec = isMap(obj.spec) ? obj.spec : {};
      checkAttributes('LocalSubjectAccessReview', spec);
      const attrs = attributesOf(spec, userOf(spec));
      if (attrs.resourceRequest && attrs.namespace !== (ctx.namespace ?? '')) {
        throw invalidReview('LocalSubjectAccessReview', 'authorization.k8s.io', [invalid('spec.resourceAttributes.namespace', attrs.namespace, 'must match metadata.namespace')]);
      }
      return { ...obj, status: accessStatus(ctx.authorizer.authorize(attrs)) };
    },
  },
  {
    group: 'authorization.k8s.io',
    kind: 'SelfSubjectAccessReview',
    plural: 'selfsubjectaccessreviews',
    namespaced: false,
    goType: authorization.SelfSubjectAccessReview,
    review(obj, ctx) {
      const spec = isMap(obj.spec) ? obj.spec : {};
      checkAttributes('SelfSubjectAccessReview', spec);
      return { ...obj, status: accessStatus(ctx.authorizer.authorize(attributesOf(spec, ctx.user))) };
    },
  },
  {
    group: 'authorization.k8s.io',
    kind: 'SelfSubjectRulesReview',
    plural: 'selfsubjectrulesreviews',
    namespaced: false,
    goType: authorization.SelfSubjectRulesReview,
    review(obj, ctx) {
      const spec = isMap(obj.spec) ? obj.spec : {};
      const namespace = typeof spec.namespace === 'string' ? spec.namespace : '';
      if (!namespace) throw invalidReview('SelfSubjectRulesReview', 'authorization.k8s.io', [required('spec.namespace')]);
      const { resourceRules, nonResourceRules } = ctx.authorizer.rulesFor(ctx.user, namespace);
      return { ...obj, status: { resourceRules, nonResourceRules, incomplete: false } };
    },
  },
];

/** POST serviceaccounts/<name>/token: a bound token for the ServiceAccount. */
export function tokenRequest(sa: KObject, request: KObject, ctx: ReviewContext, now = Date.now()): KObject {
  const spec = isMap(request.spec) ? { ...request.spec } : {};
  if (!Array.isArray(spec.audiences) || spec.audiences.length === 0) spec.audiences = [API_AUDIENCE];
  if (typeof spec.expirationSeconds !== 'number') spec.expirationSeconds = 3600;
  const causes = validateTokenRequest(spec);
  if (causes.length) throw invalidReview('TokenRequest', 'authentication.k8s.io', causes);
  let bound: BoundObject | undefined;
  const ref = isMap(spec.boundObjectRef) ? spec.boundObjectRef : undefined;
  if (ref) {
    // schema.FromAPIVersionAndKind: only core Secrets and Pods can be bound here (devcluster has no Nodes).
    const kind = String(ref.kind ?? '');
    const apiVersion = String(ref.apiVersion ?? '');
    const slash = apiVersion.indexOf('/');
    const group = slash >= 0 ? apiVersion.slice(0, slash) : '';
    const version = slash >= 0 ? apiVersion.slice(slash + 1) : apiVersion;
    const key = group === '' && kind === 'Secret' ? '/secrets' : group === '' && kind === 'Pod' ? '/pods' : undefined;
    if (!key) throw badRequest(`cannot bind token to object of type ${group}/${version}, Kind=${kind}`);
    const refName = String(ref.name ?? '');
    const target = ctx.store.get(key, sa.metadata.namespace, refName);
    if (!target) throw new StatusError(404, 'NotFound', `${key.slice(1)} "${refName}" not found`, { name: refName, kind: key.slice(1) });
    if (kind === 'Pod') {
      const podSa = isMap(target.spec) && typeof target.spec.serviceAccountName === 'string' ? target.spec.serviceAccountName : '';
      if (podSa !== sa.metadata.name) throw badRequest(`cannot bind token for serviceaccount ${JSON.stringify(sa.metadata.name ?? '')} to pod running with different serviceaccount name.`);
    }
    if (ref.uid && ref.uid !== target.metadata.uid) {
      throw new StatusError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${group ? `${kind}.${group}` : kind} "${refName}": the UID in the bound object reference (${String(ref.uid)}) does not match the UID in record. The object might have been deleted and then recreated`,
        { name: refName, group: group || undefined, kind },
      );
    }
    bound = { kind, name: refName, uid: target.metadata.uid ?? '' };
  }
  const { token, expiresAt } = ctx.issuer.issue({ namespace: sa.metadata.namespace ?? '', name: sa.metadata.name ?? '', uid: sa.metadata.uid ?? '' }, spec.audiences as string[], spec.expirationSeconds as number, bound, now);
  const metadata = { ...request.metadata, name: sa.metadata.name, namespace: sa.metadata.namespace, uid: sa.metadata.uid, creationTimestamp: formatTime({ epochSeconds: Math.floor(now / 1000), micros: 0 }) };
  return { ...request, metadata, spec, status: { token, expirationTimestamp: formatTime({ epochSeconds: expiresAt, micros: 0 }) } };
}

/** The served ResourceTypes of the review kinds (discovery: verbs [create]). */
export function reviewResourceTypes(define: (spec: Partial<ResourceType> & Pick<ResourceType, 'group' | 'version' | 'kind' | 'plural'>) => ResourceType): ResourceType[] {
  return REVIEW_TYPES.map((r) =>
    define({ group: r.group, version: 'v1', kind: r.kind, plural: r.plural, namespaced: r.namespaced, verbs: ['create'], goType: r.goType, virtual: true, strategicMerge: false, columns: [] }),
  );
}
