/**
 * The Go types of authentication.k8s.io/v1 as the Kubernetes API reference defines them (field names and JSON
 * tags in struct order, omitempty, pointers, list types and keys, atomic structs), for devcluster's
 * typed decoding, encoding and managedFields. Written from k8s.io/api and k8s.io/apimachinery
 * v1.36; keep in step with the API reference when a field is added.
 */
import { atomicList, bool, f, int64, lazy, mapOf, req, str, struct, time, type StructType } from '../types';
import { ObjectMeta } from './meta';

export const TokenRequest: StructType = struct('TokenRequest', [
  f('kind', str),
  f('apiVersion', str),
  f('metadata', lazy(() => ObjectMeta)),
  req('spec', lazy(() => TokenRequestSpec)),
  f('status', lazy(() => TokenRequestStatus)),
]);

export const TokenReview: StructType = struct('TokenReview', [
  f('kind', str),
  f('apiVersion', str),
  f('metadata', lazy(() => ObjectMeta)),
  req('spec', lazy(() => TokenReviewSpec)),
  f('status', lazy(() => TokenReviewStatus)),
]);

export const SelfSubjectReview: StructType = struct('SelfSubjectReview', [
  f('kind', str),
  f('apiVersion', str),
  f('metadata', lazy(() => ObjectMeta)),
  f('status', lazy(() => SelfSubjectReviewStatus)),
]);

export const TokenRequestSpec: StructType = struct('TokenRequestSpec', [
  req('audiences', atomicList(str)),
  f('expirationSeconds', int64, { omitempty: false, pointer: true }),
  f('boundObjectRef', lazy(() => BoundObjectReference), { omitempty: false, pointer: true }),
  f('attestations', mapOf(atomicList(str))),
]);

export const TokenRequestStatus: StructType = struct('TokenRequestStatus', [
  req('token', str),
  req('expirationTimestamp', time),
]);

export const TokenReviewSpec: StructType = struct('TokenReviewSpec', [
  f('token', str),
  f('audiences', atomicList(str)),
]);

export const TokenReviewStatus: StructType = struct('TokenReviewStatus', [
  f('authenticated', bool),
  f('user', lazy(() => UserInfo)),
  f('audiences', atomicList(str)),
  f('error', str),
]);

export const SelfSubjectReviewStatus: StructType = struct('SelfSubjectReviewStatus', [
  f('userInfo', lazy(() => UserInfo)),
]);

export const BoundObjectReference: StructType = struct('BoundObjectReference', [
  f('kind', str),
  f('apiVersion', str),
  f('name', str),
  f('uid', str),
]);

export const UserInfo: StructType = struct('UserInfo', [
  f('username', str),
  f('uid', str),
  f('groups', atomicList(str)),
  f('extra', mapOf(atomicList(str))),
]);
