/** The string constraints of an @kubeflash/api schema (the CRD's openAPIV3Schema checks the same). */
export interface StringSchema {
  pattern?: string;
  minLength?: number;
  maxLength?: number;
}

/** Whether `value` satisfies a string schema of @kubeflash/api, so forms reject what the API server would. */
export function fitsStringSchema(schema: StringSchema, value: string): boolean {
  return (schema.minLength === undefined || value.length >= schema.minLength)
    && (schema.maxLength === undefined || value.length <= schema.maxLength)
    && (schema.pattern === undefined || new RegExp(schema.pattern, 'u').test(value));
}

/** A form validator (FormValidation's fvExtraRules) from a string schema: `message` for a non-empty value that does not fit. */
export function schemaRule(schema: StringSchema, message: () => string): (value: unknown) => string | undefined {
  return (value) => (value && !fitsStringSchema(schema, String(value)) ? message() : undefined);
}
