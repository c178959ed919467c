import { FormatRegistry, Type, type Static, type TLiteral, type TSchema, type TUnion } from '@sinclair/typebox';
import type { V1ObjectMeta } from '@kubernetes/client-node';

/** API group of every kubeflash kind. */
export const GROUP = 'kubeflash.dev';
/** The one served and stored version. */
export const VERSION = 'v1alpha1';
/** `apiVersion` of every kubeflash object. */
export const API_VERSION = `${GROUP}/${VERSION}` as const;
/** `kubectl get kubeflash` lists every kind of this category. */
export const CATEGORY = 'kubeflash';

const DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i;

/**
 * Teaches TypeBox's `Value.Check` the string formats the schemas use (date-time, and int64 which only
 * annotates integers). Call once before checking objects with TypeBox; the CRDs do not need it.
 */
export function registerFormats(): void {
  FormatRegistry.Set('date-time', (value) => DATE_TIME.test(value));
  FormatRegistry.Set('int64', () => true);
}

/** DNS-1123 subdomain (most object names): lowercase alphanumerics, '-' and '.', at most 253 characters. */
export const DNS1123_SUBDOMAIN_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
/** Maximum length of a DNS-1123 subdomain. */
export const DNS1123_SUBDOMAIN_MAX = 253;
/** DNS-1123 label (names that end up in other names, e.g. Jobs): lowercase alphanumerics and '-', at most 63. */
export const DNS1123_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
/** Maximum length of a DNS-1123 label. */
export const DNS1123_LABEL_MAX = 63;
/** ESP-IDF NVS key and namespace names: 1 to 15 characters (16 bytes with the NUL); kubeflash allows `[A-Za-z0-9_]`. */
export const NVS_KEY_PATTERN = '^[A-Za-z0-9_]{1,15}$';
/** Longest configuration value kubeflash accepts (an NVS string holds at most 4000 bytes; blobs are larger). */
export const CONFIG_VALUE_MAX = 16384;

/** Builds a string schema whose value is one of `values`; its static type is the union of the values. */
export function StringEnum<T extends string>(
  values: readonly T[],
  options: { description?: string; default?: T } = {},
): TUnion<TLiteral<T>[]> {
  return Type.Union(
    values.map((v) => Type.Literal(v)),
    options,
  );
}

/** A Kubernetes int-or-string field (a count or a percentage such as "10%"). */
export function IntOrString(options: Record<string, unknown> = {}) {
  return Type.Union([Type.Integer(), Type.String()], { ...options, 'x-kubernetes-int-or-string': true });
}

/** Object name in the same namespace (DNS-1123 subdomain). */
export const ObjectName = (description: string) =>
  Type.String({ description, minLength: 1, maxLength: DNS1123_SUBDOMAIN_MAX, pattern: DNS1123_SUBDOMAIN_PATTERN });

/** An NVS key or namespace name. */
export const NvsKeyName = (description: string, options: Record<string, unknown> = {}) =>
  Type.String({ description, minLength: 1, maxLength: 15, pattern: NVS_KEY_PATTERN, ...options });

/** A reference to another object of a known kind in the same namespace. */
export const LocalObjectReferenceSchema = Type.Object(
  { name: ObjectName('Name of the referenced object, in the same namespace.') },
  { 'x-kubernetes-map-type': 'atomic' },
);
/** A reference to another object of a known kind in the same namespace. */
export type LocalObjectReference = Static<typeof LocalObjectReferenceSchema>;

/** Builds a LocalObjectReference schema with its own description. */
export const LocalObjectReference = (description: string) =>
  Type.Object(
    { name: ObjectName('Name of the referenced object, in the same namespace.') },
    { description, 'x-kubernetes-map-type': 'atomic' },
  );

/** A reference to one key of a Secret in the same namespace. */
export const SecretKeyReference = (description: string, defaultKey: string) =>
  Type.Object(
    {
      name: ObjectName('Name of the Secret, in the same namespace.'),
      key: Type.Optional(
        Type.String({
          description: 'Key in the Secret.',
          default: defaultKey,
          minLength: 1,
          maxLength: DNS1123_SUBDOMAIN_MAX,
          pattern: '^[-._a-zA-Z0-9]+$',
        }),
      ),
    },
    { description, 'x-kubernetes-map-type': 'atomic' },
  );

/** Label selector operators (metav1.LabelSelectorOperator). */
export const LabelSelectorOperator = { In: 'In', NotIn: 'NotIn', Exists: 'Exists', DoesNotExist: 'DoesNotExist' } as const;
/** One of the label selector operators. */
export type LabelSelectorOperator = (typeof LabelSelectorOperator)[keyof typeof LabelSelectorOperator];

/** Label values: empty, or up to 63 alphanumerics, '-', '_' and '.', starting and ending alphanumeric. */
export const LABEL_VALUE_PATTERN = '^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$';
/** Label keys: an optional DNS-subdomain prefix and '/', then a name like a label value. */
export const LABEL_KEY_PATTERN =
  '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$';

const LabelValue = (description?: string) =>
  Type.String({ ...(description ? { description } : {}), maxLength: 63, pattern: LABEL_VALUE_PATTERN });

/** metav1.LabelSelector; an empty selector matches every object. */
export const LabelSelectorSchema = Type.Object(
  {
    matchLabels: Type.Optional(
      Type.Record(Type.String(), LabelValue(), {
        description: 'Labels an object must carry, each with exactly this value.',
        maxProperties: 64,
      }),
    ),
    matchExpressions: Type.Optional(
      Type.Array(
        Type.Object(
          {
            key: Type.String({
              description: 'Label key the requirement applies to.',
              minLength: 1,
              maxLength: 317,
              pattern: LABEL_KEY_PATTERN,
            }),
            operator: StringEnum(Object.values(LabelSelectorOperator), {
              description: 'In, NotIn, Exists or DoesNotExist.',
            }),
            values: Type.Optional(
              Type.Array(LabelValue(), {
                description: 'Values for In and NotIn (non-empty); must be empty for Exists and DoesNotExist.',
                maxItems: 64,
                'x-kubernetes-list-type': 'atomic',
              }),
            ),
          },
          {
            'x-kubernetes-validations': [
              {
                rule:
                  "(self.operator == 'In' || self.operator == 'NotIn') == (has(self.values) && size(self.values) > 0)",
                message: 'In and NotIn need values; Exists and DoesNotExist take none',
              },
            ],
          },
        ),
        {
          description: 'Requirements that must all hold (ANDed with matchLabels).',
          maxItems: 32,
          'x-kubernetes-list-type': 'atomic',
        },
      ),
    ),
  },
  { 'x-kubernetes-map-type': 'atomic' },
);
/** metav1.LabelSelector. */
export type LabelSelector = Static<typeof LabelSelectorSchema>;

/** Builds a LabelSelector schema with its own description. */
export const LabelSelector = (description: string) => Type.Object(LabelSelectorSchema.properties, {
  description,
  'x-kubernetes-map-type': 'atomic',
});

/** A reference to keys of a Secret that become configuration values. */
export const SecretConfigRefSchema = Type.Object({
  name: ObjectName('Name of the Secret, in the same namespace.'),
  keys: Type.Optional(
    Type.Array(NvsKeyName('A key of the Secret.'), {
      description: 'Keys to take from the Secret (each an NVS key name); omitted means every key of the Secret.',
      minItems: 1,
      maxItems: 64,
      'x-kubernetes-list-type': 'set',
    }),
  ),
});
/** A reference to keys of a Secret that become configuration values. */
export type SecretConfigRef = Static<typeof SecretConfigRefSchema>;

/**
 * One configuration layer, the same shape in DevicesCluster, DeviceClass, DeviceGroup and Device.
 * Effective config = cluster < class < groups (ascending priority) < device; later layers win.
 */
export const ConfigLayerSchema = Type.Object(
  {
    values: Type.Optional(
      Type.Record(Type.String(), Type.String({ maxLength: CONFIG_VALUE_MAX }), {
        description:
          'Plain configuration values by NVS key name (1-15 characters of [A-Za-z0-9_]), always written as strings; ' +
          "the class's configSchema decides how each is encoded.",
        maxProperties: 256,
      }),
    ),
    secretRefs: Type.Optional(
      Type.Array(SecretConfigRefSchema, {
        description: 'Secrets whose keys become configuration values (secrets win over values of the same layer).',
        maxItems: 16,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
      }),
    ),
  },
  { description: 'Configuration values for the devices this object applies to.' },
);
/** One configuration layer. */
export type ConfigLayer = Static<typeof ConfigLayerSchema>;

/** Condition status values (metav1.ConditionStatus). */
export const ConditionStatus = { True: 'True', False: 'False', Unknown: 'Unknown' } as const;
/** One of True, False, Unknown. */
export type ConditionStatus = (typeof ConditionStatus)[keyof typeof ConditionStatus];

/** metav1.Condition, with the same validation as Kubernetes applies to it. */
export const ConditionSchema = Type.Object({
  type: Type.String({
    description: 'Type of condition in CamelCase.',
    maxLength: 316,
    pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
  }),
  status: StringEnum(['True', 'False', 'Unknown'], { description: 'Status of the condition: True, False or Unknown.' }),
  observedGeneration: Type.Optional(
    Type.Integer({ description: 'metadata.generation the condition was set from.', minimum: 0, format: 'int64' }),
  ),
  lastTransitionTime: Type.String({
    description: 'When the condition last changed from one status to another.',
    format: 'date-time',
  }),
  reason: Type.String({
    description: 'Programmatic identifier (CamelCase) for the last transition.',
    minLength: 1,
    maxLength: 1024,
    pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
  }),
  message: Type.String({ description: 'Human-readable details of the last transition.', maxLength: 32768 }),
});
/** metav1.Condition. */
export type Condition = Static<typeof ConditionSchema>;

/** The `conditions` list every status carries: a list-map keyed by `type`. */
export const Conditions = () =>
  Type.Array(ConditionSchema, {
    description: 'Current state of the object, one entry per condition type.',
    maxItems: 16,
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['type'],
  });

/** `status.observedGeneration`. */
export const ObservedGeneration = () =>
  Type.Integer({ description: 'metadata.generation the status was computed from.', minimum: 0, format: 'int64' });

/** Static shape of a full kubeflash object. */
export interface KubeflashObject<K extends string, Spec, Status> {
  apiVersion: typeof API_VERSION;
  kind: K;
  metadata: V1ObjectMeta;
  spec: Spec;
  status?: Status;
}

/** One `additionalPrinterColumns` entry of a CRD version. */
export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description: string;
  /** 0 (default) shows in `kubectl get`; 1 only with `-o wide`. */
  priority?: 0 | 1;
  format?: string;
}

/** Resource names of a kind, as the CRD and discovery publish them. */
export interface ResourceNames {
  group: typeof GROUP;
  version: typeof VERSION;
  apiVersion: typeof API_VERSION;
  kind: string;
  plural: string;
  singular: string;
  shortNames: readonly string[];
}

/** Everything the CRD generator and the reference doc need to know about one kind. */
export interface KindDefinition {
  names: ResourceNames;
  /** One paragraph: what an object of this kind stands for. */
  description: string;
  spec: TSchema;
  status: TSchema;
  printerColumns: PrinterColumn[];
}

/** Builds the ResourceNames of a kind in the kubeflash group. */
export function resourceNames(kind: string, plural: string, shortNames: readonly string[]): ResourceNames {
  return { group: GROUP, version: VERSION, apiVersion: API_VERSION, kind, plural, singular: kind.toLowerCase(), shortNames };
}

/** The Age column every kind ends with. */
export const AGE_COLUMN: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
  description: 'Time since the object was created.',
};

/** A printer column showing the status of one condition type. */
export function conditionColumn(name: string, type: string, priority: 0 | 1 = 0): PrinterColumn {
  return {
    name,
    type: 'string',
    jsonPath: `.status.conditions[?(@.type=="${type}")].status`,
    description: `Status of the ${type} condition.`,
    ...(priority ? { priority } : {}),
  };
}
