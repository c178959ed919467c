/**
 * The Go types of batch/v1 as the Kubernetes API reference defines them (field names and JSON
 * tags in struct order, omitempty, pointers, list types and keys, atomic structs), for devcluster's
 * typed decoding, encoding and managedFields. Written from k8s.io/api and k8s.io/apimachinery
 * v1.36; keep in step with the API reference when a field is added.
 */
import { atomicList, bool, f, int32, int64, lazy, mapList, ptr, req, setList, str, struct, time, untyped, type StructType } from '../types';
import { LabelSelector, ObjectMeta } from './meta';
import { ObjectReference, PodTemplateSpec } from './core';

export const Job: StructType = struct('Job', [
  f('kind', str),
  f('apiVersion', str),
  f('metadata', lazy(() => ObjectMeta)),
  f('spec', lazy(() => JobSpec)),
  f('status', lazy(() => JobStatus)),
]);

export const CronJob: StructType = struct('CronJob', [
  f('kind', str),
  f('apiVersion', str),
  f('metadata', lazy(() => ObjectMeta)),
  f('spec', lazy(() => CronJobSpec)),
  f('status', lazy(() => CronJobStatus)),
]);

export const JobSpec: StructType = struct('JobSpec', [
  ptr('parallelism', int32),
  ptr('completions', int32),
  ptr('activeDeadlineSeconds', int64),
  ptr('podFailurePolicy', lazy(() => PodFailurePolicy)),
  ptr('successPolicy', lazy(() => SuccessPolicy)),
  ptr('backoffLimit', int32),
  ptr('backoffLimitPerIndex', int32),
  ptr('maxFailedIndexes', int32),
  ptr('selector', lazy(() => LabelSelector)),
  ptr('manualSelector', bool),
  req('template', lazy(() => PodTemplateSpec)),
  ptr('ttlSecondsAfterFinished', int32),
  ptr('completionMode', str),
  ptr('suspend', bool),
  ptr('podReplacementPolicy', str),
  ptr('managedBy', str),
  ptr('scheduling', lazy(() => JobSchedulingConfiguration)),
]);

export const JobStatus: StructType = struct('JobStatus', [
  f('conditions', atomicList(lazy(() => JobCondition))),
  ptr('startTime', time),
  ptr('completionTime', time),
  f('active', int32),
  f('succeeded', int32),
  f('failed', int32),
  ptr('terminating', int32),
  f('completedIndexes', str),
  ptr('failedIndexes', str),
  ptr('uncountedTerminatedPods', lazy(() => UncountedTerminatedPods)),
  ptr('ready', int32),
]);

export const CronJobSpec: StructType = struct('CronJobSpec', [
  req('schedule', str),
  ptr('timeZone', str),
  ptr('startingDeadlineSeconds', int64),
  f('concurrencyPolicy', str),
  ptr('suspend', bool),
  req('jobTemplate', lazy(() => JobTemplateSpec)),
  ptr('successfulJobsHistoryLimit', int32),
  ptr('failedJobsHistoryLimit', int32),
]);

export const CronJobStatus: StructType = struct('CronJobStatus', [
  f('active', atomicList(lazy(() => ObjectReference))),
  ptr('lastScheduleTime', time),
  ptr('lastSuccessfulTime', time),
]);

export const PodFailurePolicy: StructType = struct('PodFailurePolicy', [
  req('rules', atomicList(lazy(() => PodFailurePolicyRule))),
]);

export const SuccessPolicy: StructType = struct('SuccessPolicy', [
  req('rules', atomicList(lazy(() => SuccessPolicyRule))),
]);

export const JobSchedulingConfiguration: StructType = struct('JobSchedulingConfiguration', [
  ptr('schedulingPolicy', untyped),
  ptr('schedulingConstraints', untyped),
  ptr('disruptionMode', untyped),
  f('resourceClaims', mapList(untyped, ['name'])),
]);

export const JobCondition: StructType = struct('JobCondition', [
  req('type', str),
  req('status', str),
  f('lastProbeTime', time),
  f('lastTransitionTime', time),
  f('reason', str),
  f('message', str),
]);

export const UncountedTerminatedPods: StructType = struct('UncountedTerminatedPods', [
  f('succeeded', setList(str)),
  f('failed', setList(str)),
]);

export const JobTemplateSpec: StructType = struct('JobTemplateSpec', [
  f('metadata', lazy(() => ObjectMeta)),
  f('spec', lazy(() => JobSpec)),
]);

export const PodFailurePolicyRule: StructType = struct('PodFailurePolicyRule', [
  req('action', str),
  ptr('onExitCodes', lazy(() => PodFailurePolicyOnExitCodesRequirement)),
  f('onPodConditions', atomicList(lazy(() => PodFailurePolicyOnPodConditionsPattern))),
]);

export const SuccessPolicyRule: StructType = struct('SuccessPolicyRule', [
  ptr('succeededIndexes', str),
  ptr('succeededCount', int32),
]);

export const PodFailurePolicyOnExitCodesRequirement: StructType = struct('PodFailurePolicyOnExitCodesRequirement', [
  ptr('containerName', str),
  req('operator', str),
  req('values', setList(int32)),
]);

export const PodFailurePolicyOnPodConditionsPattern: StructType = struct('PodFailurePolicyOnPodConditionsPattern', [
  req('type', str),
  req('status', str),
]);
