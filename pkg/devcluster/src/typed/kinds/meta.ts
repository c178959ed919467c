/**
 * The Go types of meta/v1 (k8s.io/apimachinery) as the Kubernetes API reference defines them (field names and JSON
 * tags in struct order, omitempty, pointers, list types and keys, atomic structs), for devcluster's
 * typed decoding, encoding and managedFields. Written from k8s.io/api and k8s.io/apimachinery
 * v1.36; keep in step with the API reference when a field is added.
 */
import { atomicList, bool, f, int64, lazy, mapList, mapOf, omitZero, ptr, req, setList, str, struct, time, untyped, type StructType } from '../types';

export const ObjectMeta: StructType = struct('ObjectMeta', [
  f('name', str),
  f('generateName', str),
  f('namespace', str),
  f('selfLink', str),
  f('uid', str),
  f('resourceVersion', str),
  f('generation', int64),
  omitZero(f('creationTimestamp', time)),
  ptr('deletionTimestamp', time),
  ptr('deletionGracePeriodSeconds', int64),
  f('labels', mapOf(str)),
  f('annotations', mapOf(str)),
  f('ownerReferences', mapList(lazy(() => OwnerReference), ['uid'])),
  f('finalizers', setList(str)),
  f('managedFields', atomicList(lazy(() => ManagedFieldsEntry))),
]);

export const ListMeta: StructType = struct('ListMeta', [
  f('selfLink', str),
  f('resourceVersion', str),
  f('continue', str),
  ptr('remainingItemCount', int64),
  ptr('shardInfo', lazy(() => ShardInfo)),
]);

export const LabelSelector: StructType = struct('LabelSelector', [
  f('matchLabels', mapOf(str)),
  f('matchExpressions', atomicList(lazy(() => LabelSelectorRequirement))),
], { atomic: true });

export const Condition: StructType = struct('Condition', [
  req('type', str),
  req('status', str),
  f('observedGeneration', int64),
  req('lastTransitionTime', time),
  req('reason', str),
  req('message', str),
]);

export const FieldSelectorRequirement: StructType = struct('FieldSelectorRequirement', [
  req('key', str),
  req('operator', str),
  f('values', atomicList(str)),
]);

export const OwnerReference: StructType = struct('OwnerReference', [
  req('apiVersion', str),
  req('kind', str),
  req('name', str),
  req('uid', str),
  ptr('controller', bool),
  ptr('blockOwnerDeletion', bool),
], { atomic: true });

export const ManagedFieldsEntry: StructType = struct('ManagedFieldsEntry', [
  f('manager', str),
  f('operation', str),
  f('apiVersion', str),
  ptr('time', time),
  f('fieldsType', str),
  ptr('fieldsV1', untyped),
  f('subresource', str),
]);

export const ShardInfo: StructType = struct('ShardInfo', [
  req('selector', str),
]);

export const LabelSelectorRequirement: StructType = struct('LabelSelectorRequirement', [
  req('key', str),
  req('operator', str),
  f('values', atomicList(str)),
]);
