/**
 * Validation of a batch/v1 Job status write (the status strategy of kubernetes/kubernetes
 * pkg/registry/batch/job/strategy.go with the JobManagedBy gate on, as in v1.36, and
 * pkg/apis/batch/validation ValidateJobUpdateStatus): the transitions the Job controller itself
 * keeps to, so that a writer of Job status (an external controller, a test standing in for the Job
 * controller) is held to them too. A rule applies only when the status fields it checks changed.
 * Not modelled: completedIndexes/failedIndexes (Indexed Jobs) and uncountedTerminatedPods of
 * finished Jobs.
 */
import type { StatusCause } from '../errors';
import { duplicate, fieldError, invalid, OMIT, required } from '../schema/field-errors';
import type { KObject } from '../store';

type Obj = Record<string, unknown>;

interface JobCondition {
  type?: string;
  status?: string;
}

function isMap(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function statusOf(job: KObject): Obj {
  return isMap(job.status) ? job.status : {};
}

function specOf(job: KObject): Obj {
  return isMap(job.spec) ? job.spec : {};
}

function conditionTrue(job: KObject, type: string): boolean {
  const conditions = statusOf(job).conditions;
  return Array.isArray(conditions) && (conditions as JobCondition[]).some((c) => c.type === type && c.status === 'True');
}

const complete = (job: KObject) => conditionTrue(job, 'Complete');
const failed = (job: KObject) => conditionTrue(job, 'Failed');
const finished = (job: KObject) => complete(job) || failed(job);
const failureTarget = (job: KObject) => conditionTrue(job, 'FailureTarget');
const successCriteriaMet = (job: KObject) => conditionTrue(job, 'SuccessCriteriaMet');

function count(job: KObject, key: string): number {
  const v = statusOf(job)[key];
  return typeof v === 'number' ? v : 0;
}

function optionalCount(job: KObject, key: string): number | undefined {
  const v = statusOf(job)[key];
  return typeof v === 'number' ? v : undefined;
}

function time(job: KObject, key: string): string | undefined {
  const v = statusOf(job)[key];
  return typeof v === 'string' && v ? v : undefined;
}

function sameTime(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return Date.parse(a) === Date.parse(b);
}

/** Go's time.Time String() of a stored timestamp (how field errors print a metav1.Time). */
function goTime(rfc3339: string): string {
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return rfc3339;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000 UTC`;
}

const conditionsError = (detail: string): StatusCause => fieldError('FieldValueInvalid', 'status.conditions', OMIT, detail);
const timeError = (field: string, value: string, detail: string): StatusCause => fieldError('FieldValueInvalid', field, OMIT, `${goTime(value)}: ${detail}`);

function uncountedProblems(job: KObject): StatusCause[] {
  const uncounted = statusOf(job).uncountedTerminatedPods;
  if (!isMap(uncounted)) return [];
  const causes: StatusCause[] = [];
  const seen = new Set<string>();
  for (const key of ['succeeded', 'failed']) {
    const uids = Array.isArray(uncounted[key]) ? (uncounted[key] as unknown[]) : [];
    uids.forEach((uid, i) => {
      const path = `status.uncountedTerminatedPods.${key}[${i}]`;
      if (uid === '') causes.push(invalid(path, uid, 'must not be empty'));
      else if (seen.has(String(uid))) causes.push(duplicate(path, uid));
      else seen.add(String(uid));
    });
  }
  return causes;
}

/** ValidateJobUpdateStatus with the options getStatusValidationOptions gives (JobManagedBy on). */
export function validateJobStatusUpdate(job: KObject, old: KObject): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const key of ['active', 'succeeded', 'failed', 'ready', 'terminating']) {
    const v = statusOf(job)[key];
    if (typeof v === 'number' && v < 0) causes.push(invalid(`status.${key}`, v, 'must be greater than or equal to 0'));
  }
  causes.push(...uncountedProblems(job));

  const finishedChanged = finished(old) !== finished(job);
  const completeChanged = complete(old) !== complete(job);
  const failedChanged = failed(old) !== failed(job);
  const failureTargetChanged = failureTarget(old) !== failureTarget(job);
  const successCriteriaMetChanged = successCriteriaMet(old) !== successCriteriaMet(job);
  const activeChanged = count(old, 'active') !== count(job, 'active');
  const readyChanged = optionalCount(old, 'ready') !== optionalCount(job, 'ready');
  const terminatingChanged = optionalCount(old, 'terminating') !== optionalCount(job, 'terminating');
  const startTime = time(job, 'startTime');
  const completionTime = time(job, 'completionTime');
  const startTimeChanged = !sameTime(time(old, 'startTime'), startTime);
  const completionTimeChanged = !sameTime(time(old, 'completionTime'), completionTime);

  if ((completeChanged || failedChanged) && complete(job) && failed(job)) causes.push(conditionsError('cannot set Complete=True and Failed=true conditions'));
  if ((completeChanged || failureTargetChanged) && complete(job) && failureTarget(job)) causes.push(conditionsError('cannot set Complete=True and FailureTarget=true conditions'));
  if ((completeChanged || completionTimeChanged) && completionTime && !complete(job)) causes.push(timeError('status.completionTime', completionTime, 'cannot set completionTime when there is no Complete=True condition'));
  if ((completeChanged || completionTimeChanged) && !completionTime && complete(job)) causes.push(required('status.completionTime', 'completionTime is required for Complete jobs'));
  if ((startTimeChanged || completionTimeChanged) && startTime && completionTime && Date.parse(completionTime) < Date.parse(startTime)) {
    causes.push(timeError('status.completionTime', completionTime, 'completionTime cannot be set before startTime'));
  }
  if (failedChanged && failed(job) && !failureTarget(job)) causes.push(conditionsError('cannot set Failed=True condition without the FailureTarget=true condition'));
  if ((completeChanged || successCriteriaMetChanged) && complete(job) && !successCriteriaMet(job)) causes.push(conditionsError('cannot set Complete=True condition without the SuccessCriteriaMet=true condition'));
  if ((finishedChanged || activeChanged) && count(job, 'active') > 0 && finished(job)) causes.push(invalid('status.active', count(job, 'active'), 'active>0 is invalid for finished job'));
  if ((finishedChanged || startTimeChanged) && !startTime && finished(job)) causes.push(required('status.startTime', 'startTime is required for finished job'));
  const terminating = optionalCount(job, 'terminating');
  if ((finishedChanged || terminatingChanged) && terminating !== undefined && terminating > 0 && finished(job)) causes.push(invalid('status.terminating', terminating, 'terminating>0 is invalid for finished job'));
  const ready = optionalCount(job, 'ready');
  if ((readyChanged || activeChanged) && ready !== undefined && ready > count(job, 'active')) causes.push(invalid('status.ready', ready, 'cannot set more ready pods than active'));
  if (successCriteriaMet(job) && failed(job)) causes.push(conditionsError('cannot set SuccessCriteriaMet=True and Failed=true conditions'));
  if (successCriteriaMet(job) && failureTarget(job)) causes.push(conditionsError('cannot set SuccessCriteriaMet=True and FailureTarget=true conditions'));
  if (isMap(specOf(job).successPolicy) && !successCriteriaMet(job) && complete(job)) causes.push(conditionsError('cannot set Complete=True for Job with SuccessPolicy unless SuccessCriteriaMet=True'));

  for (const type of ['Failed', 'Complete', 'FailureTarget']) {
    if (conditionTrue(old, type) && !conditionTrue(job, type)) causes.push(conditionsError(`cannot disable the terminal ${type}=True condition`));
  }
  if (count(job, 'failed') < count(old, 'failed')) causes.push(invalid('status.failed', count(job, 'failed'), 'cannot decrease the failed counter'));
  const spec = specOf(job);
  const indexed = spec.completionMode === 'Indexed';
  if ((!indexed || spec.completions !== spec.parallelism) && count(job, 'succeeded') < count(old, 'succeeded')) {
    causes.push(invalid('status.succeeded', count(job, 'succeeded'), 'cannot decrease the succeeded counter'));
  }
  const oldCompletion = time(old, 'completionTime');
  if (completionTime && oldCompletion && !sameTime(completionTime, oldCompletion)) causes.push(timeError('status.completionTime', completionTime, 'completionTime cannot be mutated'));
  if (startTimeChanged && time(old, 'startTime') && spec.suspend !== true) causes.push(required('status.startTime', 'startTime cannot be removed for unsuspended job'));
  if (successCriteriaMet(old) && !successCriteriaMet(job)) causes.push(conditionsError('cannot disable the SuccessCriteriaMet=True condition'));
  if (complete(old) && !successCriteriaMet(old) && successCriteriaMet(job)) causes.push(conditionsError('cannot set SuccessCriteriaMet=True for Job already has Complete=true conditions'));
  return causes;
}
