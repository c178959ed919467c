// The chart's values: one schema assembled from every component's values (descriptions and defaults included).
// values.yaml, values.schema.json, the README's values table and `kubeflash manifests` all come from it.
import { Type, type TObject, type TSchema } from '@sinclair/typebox';
import { COMPONENTS } from './components/index';
import { checkValues, defaultValues, mergeValues } from './template/values-schema';
import type { Json } from './template/plain';

function assemble(): TObject {
  const properties: Record<string, TSchema> = {};
  for (const component of COMPONENTS) {
    for (const [key, schema] of Object.entries(component.values)) {
      if (properties[key]) throw new Error(`values key ${key} is declared by two components`);
      properties[key] = schema;
    }
  }
  return Type.Object(properties, { title: 'kubeflash chart values', additionalProperties: false });
}

/** The values schema of the chart. */
export const VALUES_SCHEMA: TObject = assemble();

/** The values of an install: the defaults with `overrides` merged in, checked against the schema. */
export function resolveValues(overrides: { [key: string]: Json } = {}): { [key: string]: Json } {
  const values = mergeValues(defaultValues(VALUES_SCHEMA), overrides);
  checkValues(VALUES_SCHEMA, values);
  return values;
}
