/**
 * batch/v1 Jobs as kube-apiserver stores them (kubernetes/kubernetes pkg/apis/batch/v1/defaults.go
 * SetDefaults_Job, pkg/registry/batch/job/strategy.go, pkg/apis/batch/validation): defaults,
 * the generated selector and pod labels, validation on create, update and status update, and the
 * create warnings. No Job controller runs: Jobs are stored, never started (no pods).
 */
import type { StatusCause } from '../errors';
import { DNS_LABEL, DNS_LABEL_MESSAGE, labelValueProblems, qualifiedNameProblems, validateLabels } from '../meta';
import type { ValidationContext } from '../registry';
import { fieldError, forbidden, goJson, invalid, notSupported, OMIT, required, tooMany } from '../schema/field-errors';
import { matchesLabelSelectorObject } from '../selectors';
import type { KObject } from '../store';
import { validateJobStatusUpdate } from './job-status';
import { podTemplateDefaults, validatePodTemplateSpec } from './pod';

type Obj = Record<string, unknown>;

function isMap(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const JOB_NAME = 'batch.kubernetes.io/job-name';
const CONTROLLER_UID = 'batch.kubernetes.io/controller-uid';
const LEGACY_JOB_NAME = 'job-name';
const LEGACY_CONTROLLER_UID = 'controller-uid';
const MAX_INT32 = 2147483647;

function specOf(obj: KObject): Obj {
  if (!isMap(obj.spec)) obj.spec = {};
  return obj.spec as Obj;
}

function templateOf(spec: Obj): Obj {
  if (!isMap(spec.template)) spec.template = {};
  const template = spec.template as Obj;
  if (!isMap(template.metadata)) template.metadata = {};
  return template;
}

function templateLabels(spec: Obj): Record<string, string> | undefined {
  const meta = templateOf(spec).metadata as Obj;
  return isMap(meta.labels) ? (meta.labels as Record<string, string>) : undefined;
}

/** The Job's own labels default to its pod template's (when it has none). */
function copyTemplateLabels(obj: KObject, spec: Obj): void {
  const labels = templateLabels(spec);
  if (labels && Object.keys(obj.metadata.labels ?? {}).length === 0 && Object.keys(labels).length) obj.metadata.labels = { ...labels };
}

/** SetDefaults_Job and the defaults of its pod template. */
export function jobDefaults(obj: KObject): void {
  const spec = specOf(obj);
  if (spec.completions == null && spec.parallelism == null) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  spec.backoffLimit ??= spec.backoffLimitPerIndex != null ? MAX_INT32 : 6;
  copyTemplateLabels(obj, spec);
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  if (isMap(spec.podFailurePolicy)) {
    for (const rule of Array.isArray(spec.podFailurePolicy.rules) ? spec.podFailurePolicy.rules : []) {
      if (!isMap(rule) || !Array.isArray(rule.onPodConditions)) continue;
      for (const pattern of rule.onPodConditions) if (isMap(pattern) && !pattern.status) pattern.status = 'True';
    }
  }
  spec.podReplacementPolicy ??= spec.podFailurePolicy != null ? 'Failed' : 'TerminatingOrFailed';
  spec.manualSelector ??= false;
  podTemplateDefaults(templateOf(spec));
}

/**
 * PrepareForCreate: unless the selector is manual, the pods get job-name and controller-uid labels
 * (legacy and batch.kubernetes.io/ forms) and the selector matches the uid. The Job's labels are then
 * defaulted again, as kube-apiserver does when it reads the stored Job back.
 */
export function jobPrepareCreate(obj: KObject): void {
  const spec = specOf(obj);
  if (spec.manualSelector !== true) {
    const template = templateOf(spec);
    const meta = template.metadata as Obj;
    const labels = (isMap(meta.labels) ? meta.labels : {}) as Record<string, string>;
    const name = obj.metadata.name ?? '';
    const uid = obj.metadata.uid ?? '';
    for (const key of [LEGACY_JOB_NAME, JOB_NAME]) labels[key] ??= name;
    for (const key of [LEGACY_CONTROLLER_UID, CONTROLLER_UID]) labels[key] ??= uid;
    meta.labels = labels;
    const selector = (isMap(spec.selector) ? spec.selector : {}) as Obj;
    const matchLabels = (isMap(selector.matchLabels) ? selector.matchLabels : {}) as Record<string, string>;
    matchLabels[CONTROLLER_UID] ??= uid;
    selector.matchLabels = matchLabels;
    spec.selector = selector;
  }
  copyTemplateLabels(obj, spec);
}

/** The Job's own labels are defaulted on every read from storage; an update may have dropped them. */
export function jobPrepareUpdate(obj: KObject): void {
  copyTemplateLabels(obj, specOf(obj));
}

function hasLabel(labels: Record<string, string> | undefined, key: string, expected: string, path: string): StatusCause[] {
  const value = labels?.[key];
  if (value === undefined) return [required(`${path}.labels[${key}]`, `must be '${expected}'`)];
  return value === expected ? [] : [invalid(`${path}.labels[${key}]`, labels, `must be '${expected}'`)];
}

function validateGeneratedSelector(obj: KObject, spec: Obj, prefixed: boolean): StatusCause[] {
  if (spec.manualSelector === true || !isMap(spec.selector)) return [];
  const causes: StatusCause[] = [];
  const uid = obj.metadata.uid ?? '';
  const name = obj.metadata.name ?? '';
  if (!uid) causes.push(required('metadata.uid'));
  const labels = templateLabels(spec);
  const path = 'spec.template.metadata';
  causes.push(...hasLabel(labels, LEGACY_CONTROLLER_UID, uid, path), ...hasLabel(labels, LEGACY_JOB_NAME, name, path));
  const expected: Record<string, string> = {};
  if (prefixed) {
    causes.push(...hasLabel(labels, CONTROLLER_UID, uid, path), ...hasLabel(labels, JOB_NAME, name, path));
    expected[CONTROLLER_UID] = uid;
    expected[JOB_NAME] = name;
  }
  expected[LEGACY_CONTROLLER_UID] = uid;
  expected[LEGACY_JOB_NAME] = name;
  if (selectorParses(spec.selector) && !matchesLabelSelectorObject(spec.selector as never, expected)) {
    causes.push(invalid('spec.selector', spec.selector, '`selector` not auto-generated'));
  }
  return causes;
}

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

function selectorParses(selector: unknown): boolean {
  if (!isMap(selector)) return false;
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  return expressions.every((e) => isMap(e) && OPERATORS.includes(String(e.operator)) && (['Exists', 'DoesNotExist'].includes(String(e.operator)) || (Array.isArray(e.values) && e.values.length > 0)));
}

/** metav1validation.ValidateLabelSelector */
export function validateLabelSelector(selector: Obj, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  expressions.forEach((e, i) => {
    if (!isMap(e)) return;
    const at = `${path}.matchExpressions[${i}]`;
    const values = Array.isArray(e.values) ? e.values : [];
    switch (e.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) causes.push(required(`${at}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) causes.push(forbidden(`${at}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        causes.push(invalid(`${at}.operator`, e.operator ?? '', 'not a valid selector operator'));
    }
    const key = typeof e.key === 'string' ? e.key : '';
    for (const msg of qualifiedNameProblems(key)) causes.push(invalid(`${at}.key`, key, msg));
    values.forEach((v, j) => {
      for (const msg of labelValueProblems(String(v))) causes.push(invalid(`${at}.values[${j}]`, v, msg));
    });
  });
  if (isMap(selector.matchLabels)) causes.push(...validateLabels(selector.matchLabels as Record<string, string>, `${path}.matchLabels`));
  return causes;
}

function nonNegative(spec: Obj, key: string, path: string): StatusCause[] {
  const v = spec[key];
  return typeof v === 'number' && v < 0 ? [invalid(`${path}.${key}`, v, 'must be greater than or equal to 0')] : [];
}

function validatePodFailurePolicy(spec: Obj, policy: Obj): StatusCause[] {
  const causes: StatusCause[] = [];
  const rules = Array.isArray(policy.rules) ? policy.rules.filter(isMap) : [];
  const path = 'spec.podFailurePolicy.rules';
  if (rules.length > 20) causes.push(tooMany(path, rules.length, 20));
  const template = isMap(spec.template) && isMap(spec.template.spec) ? spec.template.spec : {};
  const containerNames = new Set(
    [...(Array.isArray(template.containers) ? template.containers : []), ...(Array.isArray(template.initContainers) ? template.initContainers : [])].filter(isMap).map((c) => String(c.name)),
  );
  const actions = ['Count', 'FailIndex', 'FailJob', 'Ignore'];
  rules.forEach((rule, i) => {
    const at = `${path}[${i}]`;
    if (!rule.action) causes.push(required(`${at}.action`, `valid values: ${goJson(actions).replace(/,/g, ' ')}`));
    else if (rule.action === 'FailIndex') {
      if (spec.backoffLimitPerIndex == null) causes.push(invalid(`${at}.action`, rule.action, 'requires the backoffLimitPerIndex to be set'));
    } else if (!actions.includes(String(rule.action))) causes.push(notSupported(`${at}.action`, rule.action, actions));
    const onExitCodes = isMap(rule.onExitCodes) ? rule.onExitCodes : undefined;
    const onPodConditions = Array.isArray(rule.onPodConditions) ? rule.onPodConditions.filter(isMap) : [];
    if (onExitCodes) {
      const ep = `${at}.onExitCodes`;
      if (!onExitCodes.operator) causes.push(required(`${ep}.operator`, 'valid values: ["In" "NotIn"]'));
      else if (!['In', 'NotIn'].includes(String(onExitCodes.operator))) causes.push(notSupported(`${ep}.operator`, onExitCodes.operator, ['In', 'NotIn']));
      if (typeof onExitCodes.containerName === 'string' && !containerNames.has(onExitCodes.containerName)) {
        causes.push(invalid(`${ep}.containerName`, onExitCodes.containerName, 'must be one of the container or initContainer names in the pod template'));
      }
      const values = Array.isArray(onExitCodes.values) ? (onExitCodes.values as number[]) : [];
      if (values.length === 0) causes.push(invalid(`${ep}.values`, values, 'at least one value is required'));
      else if (values.length > 255) causes.push(tooMany(`${ep}.values`, values.length, 255));
      const seen = new Set<number>();
      let ordered = true;
      values.forEach((v, j) => {
        if (onExitCodes.operator === 'In' && v === 0) causes.push(invalid(`${ep}.values[${j}]`, v, 'must not be 0 for the In operator'));
        if (seen.has(v)) causes.push({ reason: 'FieldValueDuplicate', field: `${ep}.values[${j}]`, message: `Duplicate value: ${v}` });
        seen.add(v);
        if (j > 0 && values[j - 1] > v) ordered = false;
      });
      if (!ordered) causes.push(invalid(`${ep}.values`, values, 'must be ordered'));
    }
    if (onPodConditions.length) {
      const cp = `${at}.onPodConditions`;
      if (onPodConditions.length > 20) causes.push(tooMany(cp, onPodConditions.length, 20));
      onPodConditions.forEach((pattern, j) => {
        const type = typeof pattern.type === 'string' ? pattern.type : '';
        for (const msg of qualifiedNameProblems(type)) causes.push(invalid(`${cp}[${j}].type`, type, msg));
        if (!pattern.status) causes.push(required(`${cp}[${j}].status`, 'valid values: ["False" "True" "Unknown"]'));
        else if (!['False', 'True', 'Unknown'].includes(String(pattern.status))) causes.push(notSupported(`${cp}[${j}].status`, pattern.status, ['False', 'True', 'Unknown']));
      });
    }
    if (onExitCodes && onPodConditions.length) causes.push(invalid(at, OMIT, 'specifying both OnExitCodes and OnPodConditions is not supported'));
    if (!onExitCodes && !onPodConditions.length) causes.push(invalid(at, OMIT, 'specifying one of OnExitCodes and OnPodConditions is required'));
  });
  return causes;
}

/** validateJobSpec + ValidateJobSpec: counts, modes, policies, the pod template, restartPolicy, the selector. */
function validateJobSpec(spec: Obj): StatusCause[] {
  const path = 'spec';
  const causes: StatusCause[] = [];
  for (const key of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex']) causes.push(...nonNegative(spec, key, path));
  if (spec.maxFailedIndexes != null) {
    causes.push(...nonNegative(spec, 'maxFailedIndexes', path));
    if (spec.backoffLimitPerIndex == null) causes.push(required(`${path}.backoffLimitPerIndex`, 'when maxFailedIndexes is specified'));
  }
  if (typeof spec.managedBy === 'string') {
    if (spec.managedBy.length > 63) causes.push({ reason: 'FieldValueTooLong', field: `${path}.managedBy`, message: 'Too long: may not be more than 63 bytes' });
  }
  const indexed = spec.completionMode === 'Indexed';
  if (spec.completionMode != null) {
    if (spec.completionMode !== 'NonIndexed' && !indexed) causes.push(notSupported(`${path}.completionMode`, spec.completionMode, ['NonIndexed', 'Indexed']));
    if (indexed) {
      if (spec.completions == null) causes.push(required(`${path}.completions`, 'when completion mode is Indexed'));
      if (typeof spec.parallelism === 'number' && spec.parallelism > 100000) causes.push(invalid(`${path}.parallelism`, spec.parallelism, 'must be less than or equal to 100000 when completion mode is Indexed'));
      if (typeof spec.completions === 'number' && typeof spec.maxFailedIndexes === 'number' && spec.maxFailedIndexes > spec.completions) {
        causes.push(invalid(`${path}.maxFailedIndexes`, spec.maxFailedIndexes, 'must be less than or equal to completions'));
      }
    }
  }
  if (!indexed) {
    if (spec.backoffLimitPerIndex != null) causes.push(invalid(`${path}.backoffLimitPerIndex`, spec.backoffLimitPerIndex, 'requires indexed completion mode'));
    if (spec.maxFailedIndexes != null) causes.push(invalid(`${path}.maxFailedIndexes`, spec.maxFailedIndexes, 'requires indexed completion mode'));
  }
  if (isMap(spec.podFailurePolicy)) causes.push(...validatePodFailurePolicy(spec, spec.podFailurePolicy));
  if (spec.successPolicy != null && !indexed) causes.push(invalid(`${path}.successPolicy`, spec.successPolicy, 'requires indexed completion mode'));
  if (spec.podReplacementPolicy != null) {
    if (spec.podFailurePolicy != null) {
      if (spec.podReplacementPolicy !== 'Failed') causes.push(notSupported(`${path}.podReplacementPolicy`, spec.podReplacementPolicy, ['Failed']));
    } else if (!['Failed', 'TerminatingOrFailed'].includes(String(spec.podReplacementPolicy))) {
      causes.push(notSupported(`${path}.podReplacementPolicy`, spec.podReplacementPolicy, ['Failed', 'TerminatingOrFailed']));
    }
  }
  const template = isMap(spec.template) ? spec.template : {};
  causes.push(...validatePodTemplateSpec(template, `${path}.template`));
  const restartPolicy = isMap(template.spec) ? template.spec.restartPolicy : undefined;
  const restartPath = `${path}.template.spec.restartPolicy`;
  if (restartPolicy === 'Always' || !restartPolicy) causes.push(required(restartPath, 'valid values: "OnFailure", "Never"'));
  else if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') causes.push(notSupported(restartPath, restartPolicy, ['OnFailure', 'Never']));
  else if (spec.podFailurePolicy != null && restartPolicy !== 'Never') causes.push(invalid(restartPath, restartPolicy, 'only "Never" is supported when podFailurePolicy is specified'));

  if (!isMap(spec.selector)) causes.push(required(`${path}.selector`));
  else causes.push(...validateLabelSelector(spec.selector, `${path}.selector`));
  // metav1.LabelSelectorAsSelector: a nil selector selects nothing.
  const noSelector = spec.selector === undefined || spec.selector === null;
  if (noSelector || (selectorParses(spec.selector) && !matchesLabelSelectorObject(spec.selector as never, templateLabels(spec) ?? {}))) {
    causes.push(invalid(`${path}.template.metadata.labels`, templateLabels(spec) ?? null, '`selector` does not match template `labels`'));
  }
  return causes;
}

function immutable(now: unknown, before: unknown, path: string): StatusCause[] {
  return goJson(now ?? null) === goJson(before ?? null) ? [] : [invalid(path, now ?? null, 'field is immutable')];
}

/** The Job strategy's Validate / ValidateUpdate and the status strategy's ValidateUpdate. */
export function validateJob(obj: KObject, old: KObject | undefined, ctx: ValidationContext): StatusCause[] {
  if (ctx.subresource === 'status') return old ? validateJobStatusUpdate(obj, old) : [];
  const spec = specOf(obj);
  const oldLabels = old ? templateLabels(specOf(old)) : undefined;
  const prefixed = old ? oldLabels?.[JOB_NAME] !== undefined && oldLabels?.[CONTROLLER_UID] !== undefined : true;
  const causes = [...validateGeneratedSelector(obj, spec, prefixed), ...validateJobSpec(spec)];
  const name = obj.metadata.name ?? '';
  if (spec.completionMode === 'Indexed' && typeof spec.completions === 'number' && spec.completions > 0) {
    const hostname = `${name}-${spec.completions - 1}`;
    if (hostname.length > 63 || !DNS_LABEL.test(hostname)) causes.push(invalid('metadata.name', name, `will not able to create pod with invalid DNS label: ${hostname}`));
  }
  if (!old) return causes;
  const oldSpec = specOf(old);
  // ValidateJobUpdate validates the spec once more (kube-apiserver lists those causes twice).
  causes.push(...validateJobSpec(spec));
  causes.push(...immutable(spec.completions, oldSpec.completions, 'spec.completions'));
  causes.push(...immutable(spec.selector, oldSpec.selector, 'spec.selector'));
  causes.push(...validateTemplateUpdate(spec, oldSpec, old));
  for (const key of ['completionMode', 'podFailurePolicy', 'backoffLimitPerIndex', 'managedBy', 'successPolicy']) causes.push(...immutable(spec[key], oldSpec[key], `spec.${key}`));
  return causes;
}

/** The pod template is immutable, except the scheduling directives of a suspended Job that never started. */
function validateTemplateUpdate(spec: Obj, oldSpec: Obj, old: KObject): StatusCause[] {
  const template = isMap(spec.template) ? spec.template : {};
  let oldTemplate = isMap(oldSpec.template) ? oldSpec.template : {};
  const suspended = oldSpec.suspend === true;
  const notStarted = !(isMap(old.status) && old.status.startTime);
  if (suspended && notStarted) {
    oldTemplate = structuredClone(oldTemplate);
    const ts = (isMap(template.spec) ? template.spec : {}) as Obj;
    const os = (isMap(oldTemplate.spec) ? oldTemplate.spec : {}) as Obj;
    for (const key of ['nodeSelector', 'tolerations', 'schedulingGates']) os[key] = ts[key];
    if (isMap(ts.affinity) || isMap(os.affinity)) {
      if (!isMap(ts.affinity)) {
        const rest = { ...(os.affinity as Obj) };
        delete rest.nodeAffinity;
        os.affinity = Object.keys(rest).length ? rest : undefined;
      } else {
        os.affinity = { ...(isMap(os.affinity) ? os.affinity : {}), nodeAffinity: ts.affinity.nodeAffinity };
      }
    }
    const tm = (isMap(template.metadata) ? template.metadata : {}) as Obj;
    const om = (isMap(oldTemplate.metadata) ? oldTemplate.metadata : {}) as Obj;
    om.labels = tm.labels;
    om.annotations = tm.annotations;
    oldTemplate.metadata = om;
    oldTemplate.spec = os;
  }
  if (goJson(stripUndefined(template)) === goJson(stripUndefined(oldTemplate))) return [];
  // The bad value is the whole template, JSON in field order as Go marshals a struct.
  return [fieldError('FieldValueInvalid', 'spec.template', OMIT, `${JSON.stringify(template).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`)}: field is immutable`)];
}

function stripUndefined(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v ?? null));
}

/** WarningsOnCreate: a Job name that is not a DNS label makes surprising pod names and hostnames. */
export function jobWarnings(obj: KObject): string[] {
  const name = obj.metadata.name ?? '';
  const problems: string[] = [];
  if (name.length > 63) problems.push('must be no more than 63 characters');
  if (!DNS_LABEL.test(name)) problems.push(DNS_LABEL_MESSAGE);
  return problems.length ? [`metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: [${problems.join(' ')}]`] : [];
}
