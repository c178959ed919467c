import type { StatusCause } from './errors';
import type { FieldSet } from './fieldmanager/fieldset';
import type { CompiledSchema, JSONSchemaProps } from './schema/types';
import type { KObject } from './store';
import type { StructType, TypeNode } from './typed/types';

/** What a kind's validation sees besides the object. */
export interface ValidationContext {
  /** The request's group/version (events validate differently through core/v1 and events.k8s.io/v1). */
  apiVersion: string;
  subresource?: string;
}

/** A column of a Table response (CRD additionalPrinterColumns or a built-in default). */
export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description?: string;
  priority?: number;
  /** CRD columns: a JSONPath like `.status.phase`. */
  jsonPath?: string;
  /** Built-in columns: computes the cell from the object. */
  cell?: (obj: KObject, now: number) => unknown;
}

/** One served group/version/resource: a built-in kind or one version of a CRD. */
export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** Has a `/status` subresource: the main endpoint ignores status, `/status` ignores everything else. */
  statusSubresource: boolean;
  /** metadata.generation is maintained (bumped on changes outside metadata and status). */
  generation: boolean;
  /** Strategic merge patch is accepted (built-in kinds only). */
  strategicMerge: boolean;
  /** Field labels allowed in fieldSelector besides metadata.name/metadata.namespace. */
  fieldLabels: Record<string, (obj: KObject) => string | undefined>;
  /** Columns of the Table view after NAME (built-ins) or from additionalPrinterColumns (CRDs). */
  columns: PrinterColumn[];
  /** Default deletion propagation when the client gives none. */
  defaultPropagation: 'Background' | 'Orphan';
  /** CRD-backed: the structural schema of this version (OpenAPI v3) and its compiled form. */
  openAPISchema?: JSONSchemaProps;
  schema?: CompiledSchema;
  /** Name of the CRD this version comes from. */
  crd?: string;
  /** Converts a stored object to this version (built-ins with several versions); default sets apiVersion. */
  fromStorage?: (obj: KObject) => KObject;
  /** Converts an object of this version to the storage form. */
  toStorage?: (obj: KObject) => KObject;
  /** Storage identity shared by all versions of the kind: `<group>/<plural>`. */
  storageKey: string;
  /** Extra work on create (defaults a built-in kind needs, e.g. Secret stringData). */
  prepareCreate?: (obj: KObject) => void;
  prepareUpdate?: (obj: KObject, old: KObject) => void;
  /** Built-in kinds: the Go type the body is decoded into (typed decoding, encoding, managedFields). */
  goType?: StructType;
  /** The structured-merge-diff schema of the whole object (managedFields); built-ins: goType, CRDs: from the schema. */
  fieldType?: TypeNode;
  /** SetDefaults_* of the kind, run while decoding (so the writer of the request owns the defaulted fields). */
  defaults?: (obj: KObject) => void;
  /** The kind's own validation on create and update (ObjectMeta is validated for every kind). */
  validate?: (obj: KObject, old: KObject | undefined, ctx: ValidationContext) => StatusCause[];
  /** Warning headers of a valid create (the strategy's WarningsOnCreate). */
  warningsOnCreate?: (obj: KObject) => string[];
  /** Fields each endpoint resets (main: usually status; `status`: usually spec), never owned there. */
  resetFields?: { main?: FieldSet; status?: FieldSet };
  /** Subresources besides `status` (e.g. `token` of serviceaccounts, `finalize` of namespaces). */
  subresources?: string[];
  /** How names are validated: DNS subdomain (default), DNS label (namespaces), path segment (RBAC). */
  nameRule?: 'subdomain' | 'label' | 'path';
  /** Served but never stored: create runs `review` and returns its result (TokenReview, access reviews). */
  virtual?: boolean;
  /** The group/version objects are stored in when it is not this one (events.k8s.io -> core v1; a CRD's storage version). */
  storageVersion?: { group: string; version: string };
}

export function apiVersionOf(t: Pick<ResourceType, 'group' | 'version'>): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

/** `resource.group` (or `resource` for the core group), as error messages name kinds. */
export function qualifiedResource(t: Pick<ResourceType, 'group' | 'plural'>): string {
  return t.group ? `${t.plural}.${t.group}` : t.plural;
}

/** Every served group/version/resource; CRD versions come and go as CRDs are established or deleted. */
export class Registry {
  private readonly types = new Map<string, ResourceType>();
  /** Preferred (first registered / storage) version per group. */
  private readonly preferred = new Map<string, string>();

  add(t: ResourceType): void {
    this.types.set(`${t.group}/${t.version}/${t.plural}`, t);
    if (!this.preferred.has(t.group)) this.preferred.set(t.group, t.version);
  }

  /** Removes every version served by one CRD. */
  removeCrd(crdName: string): void {
    for (const [k, t] of this.types) if (t.crd === crdName) this.types.delete(k);
    this.refreshPreferred();
  }

  /** Sets the preferred version of a group (CRDs: the first version listed in spec.versions that is served). */
  setPreferred(group: string, version: string): void {
    this.preferred.set(group, version);
  }

  get(group: string, version: string, plural: string): ResourceType | undefined {
    return this.types.get(`${group}/${version}/${plural}`);
  }

  /** The type of an object by its apiVersion and kind. */
  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    for (const t of this.types.values()) if (apiVersionOf(t) === apiVersion && t.kind === kind) return t;
    return undefined;
  }

  /** The preferred served version of a storage key (for GC and namespace cleanup). */
  byStorageKey(storageKey: string): ResourceType | undefined {
    const all = [...this.types.values()].filter((t) => t.storageKey === storageKey);
    return all.find((t) => this.preferred.get(t.group) === t.version) ?? all[0];
  }

  all(): ResourceType[] {
    return [...this.types.values()];
  }

  groups(): { group: string; versions: string[]; preferred: string }[] {
    const byGroup = new Map<string, string[]>();
    for (const t of this.types.values()) {
      const versions = byGroup.get(t.group) ?? [];
      if (!versions.includes(t.version)) versions.push(t.version);
      byGroup.set(t.group, versions);
    }
    return [...byGroup.entries()].map(([group, versions]) => {
      const preferred = this.preferred.get(group);
      return { group, versions, preferred: preferred && versions.includes(preferred) ? preferred : versions[0] };
    });
  }

  inGroupVersion(group: string, version: string): ResourceType[] {
    return [...this.types.values()].filter((t) => t.group === group && t.version === version);
  }

  private refreshPreferred(): void {
    for (const [group, version] of this.preferred) {
      if (![...this.types.values()].some((t) => t.group === group && t.version === version)) this.preferred.delete(group);
    }
  }
}
