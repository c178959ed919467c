import type { StatusCause } from './errors';
import { evaluateJsonPath } from './jsonpath';
import type { PrinterColumn, ResourceType } from './registry';
import { checkCrdSchema, compileSchema } from './schema/index';
import type { JSONSchemaProps } from './schema/types';
import { RESET_SPEC, RESET_STATUS } from './fieldmanager/manager';
import type { KObject } from './store';
import { customResourceType } from './typed/from-schema';
import { DEFAULT_CRD_COLUMNS } from './table';

const CRD_VERBS = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];

/** The parts of a CustomResourceDefinition (apiextensions.k8s.io/v1) devcluster reads. */
export interface CrdSpec {
  group: string;
  scope: 'Namespaced' | 'Cluster';
  names: { plural: string; singular?: string; kind: string; listKind?: string; shortNames?: string[]; categories?: string[] };
  versions: {
    name: string;
    served: boolean;
    storage: boolean;
    schema?: { openAPIV3Schema?: JSONSchemaProps };
    subresources?: { status?: object; scale?: object };
    additionalPrinterColumns?: { name: string; type: PrinterColumn['type']; format?: string; description?: string; priority?: number; jsonPath: string }[];
    selectableFields?: { jsonPath: string }[];
  }[];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Validates a CRD the way kube-apiserver's CRD strategy does for the fields devcluster relies on. */
export function validateCrd(obj: KObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const spec = obj.spec as Partial<CrdSpec> | undefined;
  const bad = (field: string, value: unknown, message: string, reason = 'FieldValueInvalid') =>
    causes.push({ reason, field, message: reason === 'FieldValueRequired' ? 'Required value' : `Invalid value: ${JSON.stringify(value)}: ${message}` });
  if (!spec) {
    causes.push({ reason: 'FieldValueRequired', field: 'spec', message: 'Required value' });
    return causes;
  }
  if (!spec.group) bad('spec.group', '', '', 'FieldValueRequired');
  else if (!DNS_SUBDOMAIN.test(spec.group) || !spec.group.includes('.')) bad('spec.group', spec.group, 'should be a domain with at least one dot');
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
    causes.push({ reason: 'FieldValueNotSupported', field: 'spec.scope', message: `Unsupported value: ${JSON.stringify(spec.scope ?? '')}: supported values: "Cluster", "Namespaced"` });
  }
  const names = spec.names;
  if (!names?.plural) bad('spec.names.plural', '', '', 'FieldValueRequired');
  else if (!DNS_LABEL.test(names.plural)) bad('spec.names.plural', names.plural, 'a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\'');
  if (!names?.kind) bad('spec.names.kind', '', '', 'FieldValueRequired');
  if (names?.plural && spec.group && obj.metadata.name !== `${names.plural}.${spec.group}`) {
    bad('metadata.name', obj.metadata.name, 'must be spec.names.plural+"."+spec.group');
  }
  const versions = spec.versions ?? [];
  if (versions.length === 0) causes.push({ reason: 'FieldValueRequired', field: 'spec.versions', message: 'Required value: must have exactly one version marked as storage version' });
  else if (versions.filter((v) => v.storage).length !== 1) bad('spec.versions', versions.map((v) => v.name), 'must have exactly one version marked as storage version');
  versions.forEach((v, i) => {
    const schema = v.schema?.openAPIV3Schema;
    if (!schema) causes.push({ reason: 'FieldValueRequired', field: `spec.versions[${i}].schema.openAPIV3Schema`, message: 'Required value: schemas are required' });
    else causes.push(...checkCrdSchema(schema, `spec.versions[${i}].schema.openAPIV3Schema`));
    (v.additionalPrinterColumns ?? []).forEach((c, j) => {
      if (!['string', 'integer', 'number', 'boolean', 'date'].includes(c.type)) {
        causes.push({ reason: 'FieldValueNotSupported', field: `spec.versions[${i}].additionalPrinterColumns[${j}].type`, message: `Unsupported value: ${JSON.stringify(c.type)}` });
      }
    });
  });
  return causes;
}

/** The status a CRD gets once it is served: NamesAccepted and Established, storedVersions. */
export function establishedStatus(obj: KObject, now: string): Record<string, unknown> {
  const spec = obj.spec as CrdSpec;
  const previous = (obj.status as { storedVersions?: string[] } | undefined)?.storedVersions ?? [];
  const storage = spec.versions.find((v) => v.storage)?.name;
  const condition = (type: string, reason: string, message: string) => ({ type, status: 'True', lastTransitionTime: now, reason, message });
  return {
    conditions: [
      condition('NamesAccepted', 'NoConflicts', 'no conflicts found'),
      condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted'),
    ],
    acceptedNames: {
      plural: spec.names.plural,
      singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
      kind: spec.names.kind,
      listKind: spec.names.listKind ?? `${spec.names.kind}List`,
      ...(spec.names.shortNames ? { shortNames: spec.names.shortNames } : {}),
      ...(spec.names.categories ? { categories: spec.names.categories } : {}),
    },
    storedVersions: storage && !previous.includes(storage) ? [...previous, storage] : previous,
  };
}

/** One ResourceType per served version of the CRD. */
export function crdResourceTypes(obj: KObject): ResourceType[] {
  const spec = obj.spec as CrdSpec;
  const storageKey = `${spec.group}/${spec.names.plural}`;
  return spec.versions
    .filter((v) => v.served)
    .map((v) => {
      const schema = v.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
      const columns: PrinterColumn[] = v.additionalPrinterColumns?.length
        ? v.additionalPrinterColumns.map((c) => ({ name: c.name, type: c.type, format: c.format, description: c.description, priority: c.priority ?? 0, jsonPath: c.jsonPath }))
        : DEFAULT_CRD_COLUMNS;
      const fieldLabels: ResourceType['fieldLabels'] = {};
      for (const f of v.selectableFields ?? []) {
        fieldLabels[f.jsonPath.replace(/^\./, '')] = (o) => {
          const r = evaluateJsonPath(o, f.jsonPath);
          return r.length && r[0] !== null && r[0] !== undefined ? String(r[0]) : '';
        };
      }
      return {
        group: spec.group,
        version: v.name,
        kind: spec.names.kind,
        listKind: spec.names.listKind ?? `${spec.names.kind}List`,
        plural: spec.names.plural,
        singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
        namespaced: spec.scope !== 'Cluster',
        shortNames: spec.names.shortNames ?? [],
        categories: spec.names.categories ?? [],
        verbs: CRD_VERBS,
        statusSubresource: !!v.subresources?.status,
        generation: true,
        strategicMerge: false,
        fieldLabels,
        columns,
        defaultPropagation: 'Background',
        openAPISchema: schema,
        schema: compileSchema(schema),
        fieldType: customResourceType(schema),
        resetFields: v.subresources?.status ? { main: RESET_STATUS, status: RESET_SPEC } : undefined,
        crd: obj.metadata.name,
        storageKey,
        storageVersion: { group: spec.group, version: spec.versions.find((x) => x.storage)?.name ?? v.name },
      } satisfies ResourceType;
    });
}

/** The served version a CRD prefers (first served version in spec order). */
export function preferredVersion(obj: KObject): string | undefined {
  return (obj.spec as CrdSpec).versions.find((v) => v.served)?.name;
}
