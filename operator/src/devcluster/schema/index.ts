/**
 * The API-server semantics of one CRD version's structural schema: pruning, defaulting and
 * validation (OpenAPI keywords, list types, CEL rules), as kube-apiserver applies them to
 * custom resources.
 */
import type { StatusCause } from '../errors';
import { applyDefaultsInPlace, dropNonNullableNulls } from './defaults';
import { deepCopy } from './json';
import { validateListTypes } from './listtype';
import { celSkippedCause, hasBlockingError, validateOpenAPI } from './openapi';
import { pruneValue } from './prune';
import type { CompiledSchema, JSONSchemaProps } from './types';

export type { CompiledSchema, JSONSchemaProps } from './types';

/** Compiles the schema of one CRD version (the resource root schema, `openAPIV3Schema`). */
export function compileSchema(schema: JSONSchemaProps): CompiledSchema {
  const root = deepCopy(schema);
  return {
    prune(obj) {
      const object = deepCopy(obj);
      const unknownFields: string[] = [];
      pruneValue(object, root, '', true, unknownFields);
      return { object, unknownFields };
    },
    applyDefaults(obj) {
      const object = deepCopy(obj);
      dropNonNullableNulls(object, root);
      applyDefaultsInPlace(object, root);
      return object;
    },
    validate(obj, oldObj) {
      const causes: StatusCause[] = [];
      validateOpenAPI(root, obj, '', causes, oldObj ? { value: oldObj } : undefined);
      const listErrors: StatusCause[] = [];
      validateListTypes(root, obj, '', listErrors);
      if (oldObj) {
        const oldListErrors: StatusCause[] = [];
        validateListTypes(root, oldObj, '', oldListErrors);
        if (oldListErrors.length === 0) causes.push(...listErrors);
      } else {
        causes.push(...listErrors);
      }
      if (hasBlockingError(causes)) {
        if (hasRules(root)) causes.push(celSkippedCause());
      }
      return causes;
    },
  };
}

function hasRules(s: JSONSchemaProps | undefined): boolean {
  if (!s) return false;
  if (s['x-kubernetes-validations']?.length) return true;
  if (Object.values(s.properties ?? {}).some(hasRules)) return true;
  if (typeof s.additionalProperties === 'object' && hasRules(s.additionalProperties)) return true;
  return hasRules(s.items);
}
