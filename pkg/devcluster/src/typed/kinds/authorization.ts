/**
 * The Go types of authorization.k8s.io/v1 as the Kubernetes API reference defines them (field names and JSON
 * tags in struct order, omitempty, pointers, list types and keys, atomic structs), for devcluster's
 * typed decoding, encoding and managedFields. Written from k8s.io/api and k8s.io/apimachinery
 * v1.36; keep in step with the API reference when a field is added.
 */
import { atomicList, bool, f, lazy, mapOf, ptr, req, str, struct, type StructType } from '../types';
import { FieldSelectorRequirement, LabelSelectorRequirement, ObjectMeta } from './meta';

export const SubjectAccessReview: StructType = struct('SubjectAccessReview', [
  f('kind', str),
  f('apiVersion', str),
  f('metadata', lazy(() => ObjectMeta)),
  req('spec', lazy(() => SubjectAccessReviewSpec)),
  f('status', lazy(() => SubjectAccessReviewStatus)),
]);

export const SelfSubjectAccessReview: StructType = struct('SelfSubjectAccessReview', [
  f('kind', str),
  f('apiVersion', str),
  f('metadata', lazy(() => ObjectMeta)),
  req('spec', lazy(() => SelfSubjectAccessReviewSpec)),
  f('status', lazy(() => SubjectAccessReviewStatus)),
]);

export const LocalSubjectAccessReview: StructType = struct('LocalSubjectAccessReview', [
  f('kind', str),
  f('apiVersion', str),
  f('metadata', lazy(() => ObjectMeta)),
  req('spec', lazy(() => SubjectAccessReviewSpec)),
  f('status', lazy(() => SubjectAccessReviewStatus)),
]);

export const SelfSubjectRulesReview: StructType = struct('SelfSubjectRulesReview', [
  f('kind', str),
  f('apiVersion', str),
  f('metadata', lazy(() => ObjectMeta)),
  req('spec', lazy(() => SelfSubjectRulesReviewSpec)),
  f('status', lazy(() => SubjectRulesReviewStatus)),
]);

export const SubjectAccessReviewSpec: StructType = struct('SubjectAccessReviewSpec', [
  ptr('resourceAttributes', lazy(() => ResourceAttributes)),
  ptr('nonResourceAttributes', lazy(() => NonResourceAttributes)),
  f('user', str),
  f('groups', atomicList(str)),
  f('extra', mapOf(atomicList(str))),
  f('uid', str),
]);

export const SubjectAccessReviewStatus: StructType = struct('SubjectAccessReviewStatus', [
  req('allowed', bool),
  f('denied', bool),
  f('reason', str),
  f('evaluationError', str),
]);

export const SelfSubjectAccessReviewSpec: StructType = struct('SelfSubjectAccessReviewSpec', [
  ptr('resourceAttributes', lazy(() => ResourceAttributes)),
  ptr('nonResourceAttributes', lazy(() => NonResourceAttributes)),
]);

export const SelfSubjectRulesReviewSpec: StructType = struct('SelfSubjectRulesReviewSpec', [
  f('namespace', str),
]);

export const SubjectRulesReviewStatus: StructType = struct('SubjectRulesReviewStatus', [
  req('resourceRules', atomicList(lazy(() => ResourceRule))),
  req('nonResourceRules', atomicList(lazy(() => NonResourceRule))),
  req('incomplete', bool),
  f('evaluationError', str),
]);

export const ResourceAttributes: StructType = struct('ResourceAttributes', [
  f('namespace', str),
  f('verb', str),
  f('group', str),
  f('version', str),
  f('resource', str),
  f('subresource', str),
  f('name', str),
  ptr('fieldSelector', lazy(() => FieldSelectorAttributes)),
  ptr('labelSelector', lazy(() => LabelSelectorAttributes)),
]);

export const NonResourceAttributes: StructType = struct('NonResourceAttributes', [
  f('path', str),
  f('verb', str),
]);

export const ResourceRule: StructType = struct('ResourceRule', [
  req('verbs', atomicList(str)),
  f('apiGroups', atomicList(str)),
  f('resources', atomicList(str)),
  f('resourceNames', atomicList(str)),
]);

export const NonResourceRule: StructType = struct('NonResourceRule', [
  req('verbs', atomicList(str)),
  f('nonResourceURLs', atomicList(str)),
]);

export const FieldSelectorAttributes: StructType = struct('FieldSelectorAttributes', [
  f('rawSelector', str),
  f('requirements', atomicList(lazy(() => FieldSelectorRequirement))),
]);

export const LabelSelectorAttributes: StructType = struct('LabelSelectorAttributes', [
  f('rawSelector', str),
  f('requirements', atomicList(lazy(() => LabelSelectorRequirement))),
]);
