import type { StatusCause } from '../errors';

/** The subset of OpenAPI v3 (JSONSchemaProps) that CRD structural schemas use. */
export interface JSONSchemaProps {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  description?: string;
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps | boolean;
  items?: JSONSchemaProps;
  required?: string[];
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  uniqueItems?: boolean;
  multipleOf?: number;
  nullable?: boolean;
  default?: unknown;
  allOf?: JSONSchemaProps[];
  anyOf?: JSONSchemaProps[];
  oneOf?: JSONSchemaProps[];
  not?: JSONSchemaProps;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-validations'?: { rule: string; message?: string; messageExpression?: string; reason?: string; fieldPath?: string; optionalOldSelf?: boolean }[];
}

/** What the API server does with an object of one CRD version, compiled once per CRD version. */
export interface CompiledSchema {
  /**
   * Prunes fields the schema does not know (honouring x-kubernetes-preserve-unknown-fields and
   * embedded resources), returning a new object and the dotted paths of every pruned field
   * (used for `fieldValidation=Strict|Warn`).
   */
  prune(obj: Record<string, unknown>): { object: Record<string, unknown>; unknownFields: string[] };
  /** Applies schema defaults (after pruning, as kube-apiserver does), returning a new object. */
  applyDefaults(obj: Record<string, unknown>): Record<string, unknown>;
  /**
   * Validates the whole object (OpenAPI keywords, then CEL x-kubernetes-validations with
   * `oldSelf` from `oldObj` on update). Returns every failure as a Status cause; empty means valid.
   */
  validate(obj: Record<string, unknown>, oldObj?: Record<string, unknown>): StatusCause[];
}
