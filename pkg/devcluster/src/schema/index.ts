/**
 * The API-server semantics of one CRD version's structural schema: pruning, defaulting and
 * validation (OpenAPI keywords, list types, CEL rules), as kube-apiserver applies them to
 * custom resources.
 */
import type { StatusCause } from '../errors';
import { compileRule, validateCEL, type CompiledRule, type RulesOf } from './cel';
import { applyDefaultsInPlace, dropNonNullableNulls } from './defaults';
import { validateEmbedded } from './embedded';
import { deepCopy } from './json';
import { validateListTypes } from './listtype';
import { celSkippedCause, hasBlockingError, validateOpenAPI } from './openapi';
import { pruneValue } from './prune';
import type { CompiledSchema, JSONSchemaProps } from './types';

export type { CompiledSchema, JSONSchemaProps } from './types';
export { checkCrdSchema } from './structural';

/** Compiles rules on first use; rules that do not compile are left out (the CRD check rejects them). */
function ruleCache(): RulesOf {
  const cache = new WeakMap<JSONSchemaProps, CompiledRule[]>();
  return (source, node, isResource) => {
    let rules = cache.get(source);
    if (!rules) {
      rules = [];
      for (const rule of source['x-kubernetes-validations'] ?? []) {
        const { compiled } = compileRule(rule, node, isResource);
        if (compiled) rules.push(compiled);
      }
      cache.set(source, rules);
    }
    return rules;
  };
}

/** Compiles the schema of one CRD version (the resource root schema, `openAPIV3Schema`). */
export function compileSchema(schema: JSONSchemaProps): CompiledSchema {
  const root = deepCopy(schema);
  const rulesOf = ruleCache();
  const withRules = hasRules(root);
  return {
    prune(obj) {
      const object = deepCopy(obj);
      const unknownFields: string[] = [];
      pruneValue(object, root, '', true, unknownFields);
      return { object, unknownFields: unknownFields.sort() };
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
      validateEmbedded(root, obj, '', causes, true);
      const listErrors: StatusCause[] = [];
      validateListTypes(root, obj, '', listErrors);
      if (oldObj) {
        const oldListErrors: StatusCause[] = [];
        validateListTypes(root, oldObj, '', oldListErrors);
        if (oldListErrors.length === 0) causes.push(...listErrors);
      } else {
        causes.push(...listErrors);
      }
      if (!withRules) return causes;
      if (hasBlockingError(causes)) {
        causes.push(celSkippedCause());
      } else {
        validateCEL(root, obj, '', causes, rulesOf, oldObj ? { value: oldObj } : undefined, true);
      }
      return causes;
    },
  };
}

function hasRules(s: JSONSchemaProps | undefined): boolean {
  if (!s) return false;
  if (s['x-kubernetes-validations']?.length) return true;
  if ((s.allOf ?? []).some(hasRules)) return true;
  if (Object.values(s.properties ?? {}).some(hasRules)) return true;
  if (typeof s.additionalProperties === 'object' && hasRules(s.additionalProperties)) return true;
  return hasRules(s.items);
}
