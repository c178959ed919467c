/**
 * The Go types of rbac.authorization.k8s.io/v1 as the Kubernetes API reference defines them (field names and JSON
 * tags in struct order, omitempty, pointers, list types and keys, atomic structs), for devcluster's
 * typed decoding, encoding and managedFields. Written from k8s.io/api and k8s.io/apimachinery
 * v1.36; keep in step with the API reference when a field is added.
 */
import { atomicList, f, lazy, ptr, req, str, struct, type StructType } from '../types';
import { LabelSelector, ObjectMeta } from './meta';

export const Role: StructType = struct('Role', [
  f('kind', str),
  f('apiVersion', str),
  f('metadata', lazy(() => ObjectMeta)),
  req('rules', atomicList(lazy(() => PolicyRule))),
]);

export const RoleBinding: StructType = struct('RoleBinding', [
  f('kind', str),
  f('apiVersion', str),
  f('metadata', lazy(() => ObjectMeta)),
  f('subjects', atomicList(lazy(() => Subject))),
  req('roleRef', lazy(() => RoleRef)),
]);

export const ClusterRole: StructType = struct('ClusterRole', [
  f('kind', str),
  f('apiVersion', str),
  f('metadata', lazy(() => ObjectMeta)),
  req('rules', atomicList(lazy(() => PolicyRule))),
  ptr('aggregationRule', lazy(() => AggregationRule)),
]);

export const ClusterRoleBinding: StructType = struct('ClusterRoleBinding', [
  f('kind', str),
  f('apiVersion', str),
  f('metadata', lazy(() => ObjectMeta)),
  f('subjects', atomicList(lazy(() => Subject))),
  req('roleRef', lazy(() => RoleRef)),
]);

export const PolicyRule: StructType = struct('PolicyRule', [
  req('verbs', atomicList(str)),
  f('apiGroups', atomicList(str)),
  f('resources', atomicList(str)),
  f('resourceNames', atomicList(str)),
  f('nonResourceURLs', atomicList(str)),
]);

export const Subject: StructType = struct('Subject', [
  req('kind', str),
  f('apiGroup', str),
  req('name', str),
  f('namespace', str),
], { atomic: true });

export const RoleRef: StructType = struct('RoleRef', [
  req('apiGroup', str),
  req('kind', str),
  req('name', str),
], { atomic: true });

export const AggregationRule: StructType = struct('AggregationRule', [
  f('clusterRoleSelectors', atomicList(lazy(() => LabelSelector))),
]);
