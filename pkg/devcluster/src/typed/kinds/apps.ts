/**
 * The Go types of apps/v1 as the Kubernetes API reference defines them (field names and JSON
 * tags in struct order, omitempty, pointers, list types and keys, atomic structs), for devcluster's
 * typed decoding, encoding and managedFields. Written from k8s.io/api and k8s.io/apimachinery
 * v1.36; keep in step with the API reference when a field is added.
 */
import { bool, f, int32, int64, intOrString, lazy, mapList, ptr, req, str, struct, time, type StructType } from '../types';
import { LabelSelector, ObjectMeta } from './meta';
import { PodTemplateSpec } from './core';

export const Deployment: StructType = struct('Deployment', [
  f('kind', str),
  f('apiVersion', str),
  f('metadata', lazy(() => ObjectMeta)),
  f('spec', lazy(() => DeploymentSpec)),
  f('status', lazy(() => DeploymentStatus)),
]);

export const DeploymentSpec: StructType = struct('DeploymentSpec', [
  ptr('replicas', int32),
  f('selector', lazy(() => LabelSelector), { omitempty: false, pointer: true }),
  req('template', lazy(() => PodTemplateSpec)),
  f('strategy', lazy(() => DeploymentStrategy)),
  f('minReadySeconds', int32),
  ptr('revisionHistoryLimit', int32),
  f('paused', bool),
  ptr('progressDeadlineSeconds', int32),
]);

export const DeploymentStatus: StructType = struct('DeploymentStatus', [
  f('observedGeneration', int64),
  f('replicas', int32),
  f('updatedReplicas', int32),
  f('readyReplicas', int32),
  f('availableReplicas', int32),
  f('unavailableReplicas', int32),
  ptr('terminatingReplicas', int32),
  f('conditions', mapList(lazy(() => DeploymentCondition), ['type'])),
  ptr('collisionCount', int32),
]);

export const DeploymentStrategy: StructType = struct('DeploymentStrategy', [
  f('type', str),
  ptr('rollingUpdate', lazy(() => RollingUpdateDeployment)),
]);

export const DeploymentCondition: StructType = struct('DeploymentCondition', [
  req('type', str),
  req('status', str),
  f('lastUpdateTime', time),
  f('lastTransitionTime', time),
  f('reason', str),
  f('message', str),
]);

export const RollingUpdateDeployment: StructType = struct('RollingUpdateDeployment', [
  ptr('maxUnavailable', intOrString),
  ptr('maxSurge', intOrString),
]);
