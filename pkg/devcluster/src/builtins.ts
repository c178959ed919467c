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
import { bindingDefaults, validateClusterRole, validateClusterRoleBinding, validateRole, validateRoleBinding } from './validation/rbac';

const STATUS_SPLIT = { main: RESET_STATUS, status: RESET_SPEC };

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

const AGE: PrinterColumn = {
  name: 'Age',
  type: 'string',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  cell: (o, now) => age(o.metadata.creationTimestamp, now),
};

const CREATED_AT: PrinterColumn = { name: 'Created At', type: 'date', cell: (o) => o.metadata.creationTimestamp ?? '' };

function col(name: string, cell: (o: KObject, now: number) => unknown, priority = 0, type: PrinterColumn['type'] = 'string'): PrinterColumn {
  return { name, type, priority, cell };
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
  col('Last Seen', (o, now) => age(str(o, 'lastTimestamp') ?? str(o, 'eventTime') ?? o.metadata.creationTimestamp, now)),
  col('Type', (o) => str(o, 'type') ?? ''),
  col('Reason', (o) => str(o, 'reason') ?? ''),
  col('Object', (o) => `${(str(o, 'involvedObject.kind') ?? '').toLowerCase()}/${str(o, 'involvedObject.name') ?? ''}`),
  col('Message', (o) => str(o, 'message') ?? ''),
];

const JOB_COLUMNS: PrinterColumn[] = [
  col('Status', (o) => {
    const conditions = (get(o, 'status.conditions') as { type: string; status: string }[] | undefined) ?? [];
    const done = conditions.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
    if (done) return done.type;
    return get(o, 'spec.suspend') === true ? 'Suspended' : 'Running';
  }),
  col('Completions', (o) => `${str(o, 'status.succeeded') ?? 0}/${str(o, 'spec.completions') ?? 1}`),
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
      columns: [col('Status', (o) => str(o, 'status.phase') ?? ''), AGE],
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
      columns: [col('Type', (o) => str(o, 'type') ?? ''), col('Data', (o) => count(o.data), 0, 'integer'), AGE],
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
      columns: [col('Data', (o) => count(o.data) + count(o.binaryData), 0, 'integer'), AGE],
      goType: core.ConfigMap,
      validate: validateConfigMap,
    }),
    events,
    define({
      ...events,
      group: 'events.k8s.io',
      shortNames: ['ev'],
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
      columns: [col('Holder', (o) => str(o, 'spec.holderIdentity') ?? ''), AGE],
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
    }),
    webhooks('ValidatingWebhookConfiguration', 'validatingwebhookconfigurations'),
    webhooks('MutatingWebhookConfiguration', 'mutatingwebhookconfigurations'),
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
  ];
}
