import { compileSchema } from '@kubeflash/devcluster/schema';
import type { JSONSchemaProps } from '@kubeflash/devcluster/schema';
import type { KindDefinition } from '../v1alpha1/common';
import { objectSchema } from './crd';

/** One reason an object does not fit its kind's schema. */
export interface SchemaViolation {
  /** Field path such as `spec.strategy.waves[1]` (empty for the whole object). */
  path: string;
  message: string;
}

/** Checks objects of one kind against its generated CRD schema, offline. */
export interface KindValidator {
  (object: unknown): SchemaViolation[];
}

/**
 * Builds an offline validator for one kind from its generated CRD schema, with the same engine
 * devcluster uses for custom resources (kube-apiserver's semantics): unknown fields are reported (as
 * `fieldValidation=Strict` would), defaults are applied, then the OpenAPI keywords, list types and CEL
 * rules are checked. Nothing across objects is checked; an empty result means the API server would
 * accept the object's shape.
 */
export function validatorFor(def: KindDefinition): KindValidator {
  const schema = compileSchema(objectSchema(def) as JSONSchemaProps);
  return (object) => {
    if (object === null || typeof object !== 'object' || Array.isArray(object)) {
      return [{ path: '', message: 'must be an object' }];
    }
    const { object: pruned, unknownFields } = schema.prune(object as Record<string, unknown>);
    const violations: SchemaViolation[] = unknownFields.map((field) => ({ path: field, message: `unknown field "${field}"` }));
    for (const cause of schema.validate(schema.applyDefaults(pruned))) violations.push({ path: cause.field, message: cause.message });
    return violations;
  };
}
