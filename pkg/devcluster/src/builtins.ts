import { reviewResourceTypes } from './auth/reviews';
import { otherGroupTypes } from './builtins-groups';
import { RESET_SPEC, RESET_STATUS } from './fieldmanager/manager';
import type { PrinterColumn, ResourceType } from './registry';
import type { KObject } from './store';
import { age } from './table';
import * as admissionregistration from './typed/kinds/admissionregistration';
import * as apps from './typed/kinds/apps';
import * as batch from './typed/kinds/batch';
import * as coordination from './typed/kinds/coordination';
import * as core from './typed/kinds/core';
import * as eventsV1 from './typed/kinds/events';
import * as rbacTypes from './typed/kinds/rbac';
import { namespaceDefaults, secretDefaults, validateConfigMap, validateEvent, validateLease, validateNamespace, validateSecret } from './validation/core';
import { jobDefaults, jobPrepareCreate, jobPrepareUpdate, jobWarnings, validateJob } from './validation/batch';
import { bindingDefaults, validateClusterRole, validateClusterRoleBinding, validateRole, validateRoleBinding } from './validation/rbac';

const STATUS_SPLIT = { main: RESET_STATUS, status: RESET_SPEC };

/** SetDefaults_CustomResourceDefinition: conversion strategy None, names.singular and names.listKind. */
function crdDefaults(obj: KObject): void {
  const spec = obj.spec as { conversion?: object; names?: { kind?: string; singular?: string; listKind?: string } } | undefined;
  if (!spec || typeof spec !== 'object') return;
  spec.conversion ??= { strategy: 'None' };
  if (spec.names?.kind) {
    spec.names.singular ||= spec.names.kind.toLowerCase();
    spec.names.listKind ||= `${spec.names.kind}List`;
  }
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

type Spec = Partial<ResourceType> & Pick<ResourceType, 'group' | 'version' | 'kind' | 'plural'>;

function get(obj: unknown, path: string): unknown {
  let v: unknown = obj;
  for (const p of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

function str(obj: unknown, path: string): string | undefined {
  const v = get(obj, path);
  return v === undefined || v === null ? undefined : String(v);
}

/** Field documentation the printers of kube-apiserver use as column descriptions (the API reference texts). */
const DOC = {
  creationTimestamp:
    'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
  secretType: 'Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types',
  secretData:
    "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4",
  configMapData:
    "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.",
  eventLastTimestamp: 'The time at which the most recent occurrence of this event was recorded.',
  eventType: 'Type of this event (Normal, Warning), new types could be added in the future',
  eventReason: "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
  eventObject: 'The object that this event is about.',
  eventMessage: 'A human-readable description of the status of this operation.',
  jobSucceeded: 'The number of pods which reached phase Succeeded. The value increases monotonically for a given spec. However, it may decrease in reaction to scale down of elastic indexed jobs.',
  leaseHolder:
    'holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name field.',
};

const AGE: PrinterColumn = {
  name: 'Age',
  type: 'string',
  description: DOC.creationTimestamp,
  cell: (o, now) => age(o.metadata.creationTimestamp, now),
};

const CREATED_AT: PrinterColumn = { name: 'Created At', type: 'date', description: DOC.creationTimestamp, cell: (o) => o.metadata.creationTimestamp ?? '' };

function col(name: string, cell: (o: KObject, now: number) => unknown, priority = 0, type: PrinterColumn['type'] = 'string', description = ''): PrinterColumn {
  return { name, type, priority, cell, description };
}

function count(v: unknown): number {
  return v && typeof v === 'object' ? Object.keys(v).length : 0;
}

function containers(o: KObject, path: string): Record<string, unknown>[] {
  const c = get(o, path);
  return Array.isArray(c) ? (c as Record<string, unknown>[]) : [];
}

function define(spec: Spec): ResourceType {
  return {
    listKind: `${spec.kind}List`,
    singular: spec.kind.toLowerCase(),
    namespaced: true,
    shortNames: [],
    categories: [],
    verbs: ALL_VERBS,
    statusSubresource: false,
    generation: false,
    strategicMerge: true,
    fieldLabels: {},
    columns: [AGE],
    defaultPropagation: 'Background',
    storageKey: `${spec.group}/${spec.plural}`,
    ...spec,
    fieldType: spec.fieldType ?? spec.goType,
  };
}

const EVENT_RENAMES: [core: string, events: string][] = [
  ['involvedObject', 'regarding'],
  ['message', 'note'],
  ['reportingComponent', 'reportingController'],
  ['source', 'deprecatedSource'],
  ['firstTimestamp', 'deprecatedFirstTimestamp'],
  ['lastTimestamp', 'deprecatedLastTimestamp'],
  ['count', 'deprecatedCount'],
];

function renameFields(obj: KObject, renames: [string, string][], apiVersion: string): KObject {
  const out: KObject = { ...obj, apiVersion };
  for (const [from, to] of renames) {
    if (from in out) {
      out[to] = out[from];
      Reflect.deleteProperty(out, from);
    }
  }
  return out;
}

const EVENT_FIELDS: Record<string, (o: KObject) => string | undefined> = {
  'involvedObject.kind': (o) => str(o, 'involvedObject.kind'),
  'involvedObject.namespace': (o) => str(o, 'involvedObject.namespace'),
  'involvedObject.name': (o) => str(o, 'involvedObject.name'),
  'involvedObject.uid': (o) => str(o, 'involvedObject.uid'),
  'involvedObject.apiVersion': (o) => str(o, 'involvedObject.apiVersion'),
  'involvedObject.resourceVersion': (o) => str(o, 'involvedObject.resourceVersion'),
  'involvedObject.fieldPath': (o) => str(o, 'involvedObject.fieldPath'),
  reason: (o) => str(o, 'reason'),
  reportingComponent: (o) => str(o, 'reportingComponent') ?? '',
  source: (o) => str(o, 'source.component') ?? '',
  type: (o) => str(o, 'type'),
};

const EVENT_COLUMNS: PrinterColumn[] = [
  col('Last Seen', (o, now) => age(str(o, 'lastTimestamp') ?? str(o, 'eventTime') ?? o.metadata.creationTimestamp, now), 0, 'string', DOC.eventLastTimestamp),
  col('Type', (o) => str(o, 'type') ?? '', 0, 'string', DOC.eventType),
  col('Reason', (o) => str(o, 'reason') ?? '', 0, 'string', DOC.eventReason),
  col('Object', (o) => `${(str(o, 'involvedObject.kind') ?? '').toLowerCase()}/${str(o, 'involvedObject.name') ?? ''}`, 0, 'string', DOC.eventObject),
  col('Message', (o) => str(o, 'message') ?? '', 0, 'string', DOC.eventMessage),
];

const JOB_COLUMNS: PrinterColumn[] = [
  col('Status', (o) => {
    const conditions = (get(o, 'status.conditions') as { type: string; status: string }[] | undefined) ?? [];
    const done = conditions.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
    if (done) return done.type;
    return get(o, 'spec.suspend') === true ? 'Suspended' : 'Running';
  }),
  col('Completions', (o) => `${str(o, 'status.succeeded') ?? 0}/${str(o, 'spec.completions') ?? 1}`, 0, 'string', DOC.jobSucceeded),
  col('Duration', (o, now) => {
    const start = str(o, 'status.startTime');
    if (!start) return '';
    const end = str(o, 'status.completionTime');
    return age(start, end ? Date.parse(end) : now);
  }),
  AGE,
  col('Containers', (o) => containers(o, 'spec.template.spec.containers').map((c) => c.name).join(','), 1),
  col('Images', (o) => containers(o, 'spec.template.spec.containers').map((c) => c.image).join(','), 1),
];

const ROLE_REF: PrinterColumn = col('Role', (o) => `${str(o, 'roleRef.kind') ?? ''}/${str(o, 'roleRef.name') ?? ''}`);

/** The built-in kinds devcluster stores (no controllers run for them besides GC and namespace cleanup). */
export function builtinTypes(): ResourceType[] {
  const rbac = 'rbac.authorization.k8s.io';
  const webhooks = (kind: string, plural: string): ResourceType =>
    define({
      group: 'admissionregistration.k8s.io',
      version: 'v1',
      kind,
      plural,
      namespaced: false,
      generation: true,
      categories: ['api-extensions'],
      columns: [col('Webhooks', (o) => (Array.isArray(o.webhooks) ? o.webhooks.length : 0), 0, 'integer'), AGE],
      goType: kind === 'ValidatingWebhookConfiguration' ? admissionregistration.ValidatingWebhookConfiguration : admissionregistration.MutatingWebhookConfiguration,
    });
  const events = define({
    group: '',
    version: 'v1',
    kind: 'Event',
    plural: 'events',
    shortNames: ['ev'],
    fieldLabels: EVENT_FIELDS,
    columns: [...EVENT_COLUMNS, { name: 'Name', type: 'string', format: 'name', priority: 1, cell: (o) => o.metadata.name }],
    goType: core.Event,
    validate: validateEvent,
  });
  return [
    define({
      group: '',
      version: 'v1',
      kind: 'Namespace',
      plural: 'namespaces',
      namespaced: false,
      shortNames: ['ns'],
      statusSubresource: true,
      verbs: ALL_VERBS.filter((v) => v !== 'deletecollection'),
      fieldLabels: { 'status.phase': (o) => str(o, 'status.phase') },
      columns: [col('Status', (o) => str(o, 'status.phase') ?? '', 0, 'string', 'The status of the namespace'), AGE],
      goType: core.Namespace,
      defaults: namespaceDefaults,
      validate: validateNamespace,
      resetFields: STATUS_SPLIT,
      subresources: ['finalize'],
      nameRule: 'label',
      prepareCreate: (o) => {
        o.spec = { finalizers: ['kubernetes'] };
        o.status = { phase: 'Active' };
      },
      prepareUpdate: (o) => {
        o.metadata.labels = { ...o.metadata.labels, 'kubernetes.io/metadata.name': o.metadata.name ?? '' };
      },
    }),
    define({
      group: '',
      version: 'v1',
      kind: 'Secret',
      plural: 'secrets',
      fieldLabels: { type: (o) => str(o, 'type') },
      columns: [col('Type', (o) => str(o, 'type') ?? '', 0, 'string', DOC.secretType), col('Data', (o) => count(o.data), 0, 'string', DOC.secretData), AGE],
      goType: core.Secret,
      defaults: secretDefaults,
      validate: validateSecret,
    }),
    define({
      group: '',
      version: 'v1',
      kind: 'ConfigMap',
      plural: 'configmaps',
      shortNames: ['cm'],
      columns: [col('Data', (o) => count(o.data) + count(o.binaryData), 0, 'string', DOC.configMapData), AGE],
      goType: core.ConfigMap,
      validate: validateConfigMap,
    }),
    events,
    define({
      ...events,
      group: 'events.k8s.io',
      shortNames: ['ev'],
      storageVersion: { group: '', version: 'v1' },
      storageKey: '/events',
      strategicMerge: true,
      fieldLabels: {
        ...EVENT_FIELDS,
        ...Object.fromEntries(Object.entries(EVENT_FIELDS).filter(([k]) => k.startsWith('involvedObject.')).map(([k, f]) => [k.replace('involvedObject.', 'regarding.'), f])),
      },
      fromStorage: (o) => renameFields(o, EVENT_RENAMES, 'events.k8s.io/v1'),
      toStorage: (o) => renameFields(o, EVENT_RENAMES.map(([a, b]) => [b, a]), 'v1'),
      goType: eventsV1.EventsEvent,
      fieldType: eventsV1.EventsEvent,
    }),
    define({
      group: '',
      version: 'v1',
      kind: 'ServiceAccount',
      plural: 'serviceaccounts',
      shortNames: ['sa'],
      columns: [AGE],
      goType: core.ServiceAccount,
      subresources: ['token'],
    }),
    define({
      group: '',
      version: 'v1',
      kind: 'Pod',
      plural: 'pods',
      shortNames: ['po'],
      categories: ['all'],
      statusSubresource: true,
      fieldLabels: {
        'spec.nodeName': (o) => str(o, 'spec.nodeName') ?? '',
        'spec.serviceAccountName': (o) => str(o, 'spec.serviceAccountName') ?? '',
        'status.phase': (o) => str(o, 'status.phase') ?? '',
      },
      columns: [
        col('Ready', (o) => {
          const statuses = (get(o, 'status.containerStatuses') as { ready?: boolean }[] | undefined) ?? [];
          return `${statuses.filter((s) => s.ready).length}/${containers(o, 'spec.containers').length}`;
        }),
        col('Status', (o) => str(o, 'status.phase') ?? 'Pending'),
        col('Restarts', () => 0, 0, 'integer'),
        AGE,
      ],
      goType: core.Pod,
      resetFields: STATUS_SPLIT,
    }),
    define({
      group: '',
      version: 'v1',
      kind: 'Service',
      plural: 'services',
      shortNames: ['svc'],
      categories: ['all'],
      statusSubresource: true,
      columns: [
        col('Type', (o) => str(o, 'spec.type') ?? 'ClusterIP'),
        col('Cluster-IP', (o) => str(o, 'spec.clusterIP') ?? '<none>'),
        col('Ports', (o) => ((get(o, 'spec.ports') as { port: number; protocol?: string }[] | undefined) ?? []).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`).join(',')),
        AGE,
      ],
      goType: core.Service,
      resetFields: STATUS_SPLIT,
    }),
    define({
      group: 'batch',
      version: 'v1',
      kind: 'Job',
      plural: 'jobs',
      categories: ['all'],
      statusSubresource: true,
      generation: true,
      defaultPropagation: 'Orphan',
      fieldLabels: { 'status.successful': (o) => str(o, 'status.succeeded') ?? '0' },
      columns: JOB_COLUMNS,
      goType: batch.Job,
      resetFields: STATUS_SPLIT,
      defaults: jobDefaults,
      prepareCreate: jobPrepareCreate,
      prepareUpdate: jobPrepareUpdate,
      validate: validateJob,
      warningsOnCreate: jobWarnings,
    }),
    define({
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
      plural: 'deployments',
      shortNames: ['deploy'],
      categories: ['all'],
      statusSubresource: true,
      generation: true,
      columns: [
        col('Ready', (o) => `${str(o, 'status.readyReplicas') ?? 0}/${str(o, 'spec.replicas') ?? 1}`),
        col('Up-to-date', (o) => Number(str(o, 'status.updatedReplicas') ?? 0), 0, 'integer'),
        col('Available', (o) => Number(str(o, 'status.availableReplicas') ?? 0), 0, 'integer'),
        AGE,
      ],
      goType: apps.Deployment,
      resetFields: STATUS_SPLIT,
    }),
    define({
      group: 'coordination.k8s.io',
      version: 'v1',
      kind: 'Lease',
      plural: 'leases',
      columns: [col('Holder', (o) => str(o, 'spec.holderIdentity') ?? '', 0, 'string', DOC.leaseHolder), AGE],
      goType: coordination.Lease,
      validate: validateLease,
    }),
    define({
      group: 'apiextensions.k8s.io',
      version: 'v1',
      kind: 'CustomResourceDefinition',
      plural: 'customresourcedefinitions',
      namespaced: false,
      shortNames: ['crd', 'crds'],
      categories: ['api-extensions'],
      statusSubresource: true,
      generation: true,
      strategicMerge: false,
      columns: [CREATED_AT],
      resetFields: STATUS_SPLIT,
      defaults: crdDefaults,
    }),
    webhooks('ValidatingWebhookConfiguration', 'validatingwebhookconfigurations'),
    webhooks('MutatingWebhookConfiguration', 'mutatingwebhookconfigurations'),
    define({ group: 'policy', version: 'v1', kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', shortNames: ['pdb'], statusSubresource: true, resetFields: STATUS_SPLIT }),
    // Stored only (no provisioner): the install's artifact service declares one. Ingress comes with the networking group.
    define({ group: '', version: 'v1', kind: 'PersistentVolumeClaim', plural: 'persistentvolumeclaims', shortNames: ['pvc'], statusSubresource: true }),
    define({ group: rbac, version: 'v1', kind: 'Role', plural: 'roles', columns: [CREATED_AT], goType: rbacTypes.Role, validate: validateRole, nameRule: 'path' }),
    define({ group: rbac, version: 'v1', kind: 'RoleBinding', plural: 'rolebindings', columns: [ROLE_REF, AGE], goType: rbacTypes.RoleBinding, validate: validateRoleBinding, defaults: bindingDefaults, nameRule: 'path' }),
    define({ group: rbac, version: 'v1', kind: 'ClusterRole', plural: 'clusterroles', namespaced: false, columns: [CREATED_AT], goType: rbacTypes.ClusterRole, validate: validateClusterRole, nameRule: 'path' }),
    define({
      group: rbac,
      version: 'v1',
      kind: 'ClusterRoleBinding',
      plural: 'clusterrolebindings',
      namespaced: false,
      columns: [ROLE_REF, AGE],
      goType: rbacTypes.ClusterRoleBinding,
      validate: validateClusterRoleBinding,
      defaults: bindingDefaults,
      nameRule: 'path',
    }),
    ...reviewResourceTypes(define),
    ...otherGroupTypes(define, STATUS_SPLIT),
  ];
}
