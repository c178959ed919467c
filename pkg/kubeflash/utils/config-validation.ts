// Config validation of the forms: the shared rules of @kubeflash/api (the same code the
// operator's webhook and reconciler run), plus the two checks that need the whole form rather than one
// layer (required keys nobody sets, undeclared keys a strict schema rejects).
import {
  ConfigProblemCode, isGeneratedKey, problem, validateConfigLayer as sharedValidateLayer, validateConfigSchema as sharedValidateSchema, type ConfigProblem,
} from '@kubeflash/api';
import type { ConfigLayer, ConfigSchema } from '../types/resources';

export type { ConfigProblem };

/** l10n key of a problem: `kubeflash.validation.<code>`. */
export function problemL10nKey(p: ConfigProblem): string {
  return `kubeflash.validation.${ p.code }`;
}

/**
 * Problems of one config layer: the shared per-layer rules, then, for a device (`requireAll`), required keys
 * without default that no layer or Secret provides and undeclared keys when the schema rejects them.
 * `providedElsewhere` lists keys the other layers (cluster, class, groups) set.
 */
export function validateConfigLayer(
  schema: ConfigSchema | undefined,
  layer: ConfigLayer | undefined,
  options: { requireAll?: boolean; providedElsewhere?: string[]; source?: string } = {},
): ConfigProblem[] {
  const source = options.source || 'this object';
  const problems = sharedValidateLayer(layer, schema, source);

  if (options.requireAll) {
    const declared = new Set((schema?.keys || []).map((k) => k.name));
    const given = new Set([
      ...Object.keys(layer?.values || {}),
      ...(layer?.secretRefs || []).flatMap((r) => r.keys || []),
      ...(options.providedElsewhere || []),
    ]);

    if (schema?.keys && (schema.unknownKeys || 'Reject') === 'Reject') {
      for (const name of Object.keys(layer?.values || {})) {
        if (!declared.has(name) && !isGeneratedKey(name) && !problems.some((p) => p.key === name)) {
          problems.push(problem(ConfigProblemCode.UnknownKey, `key ${ name } is not declared in the class's configSchema`, { name, source }, name));
        }
      }
    }
    for (const key of schema?.keys || []) {
      if (key.required && key.default === undefined && !given.has(key.name)) {
        problems.push(problem(ConfigProblemCode.MissingRequired, `required key ${ key.name } is not set by any layer`, { name: key.name }, key.name));
      }
    }
  }

  return problems;
}

/** Problems of a class's configSchema (shared rules). */
export function validateConfigSchema(schema: ConfigSchema | undefined): ConfigProblem[] {
  return sharedValidateSchema(schema);
}
