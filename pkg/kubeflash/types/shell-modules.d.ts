// Declarations for the parts of @rancher/shell 3.0.8 the extension uses that ship without types: the
// form-validation mixin (a JavaScript file) and the shell's components imported without their .vue
// extension (webpack resolves those; TypeScript cannot, so they are typed as any component).

declare module '@shell/mixins/form-validation' {
  /** A validator: undefined when the value is fine, else the message. */
  export type FvValidator = (value: unknown) => string | undefined;

  /** One entry of fvFormRuleSets: the rules (names of built-in or fvExtraRules validators) of a path in `value`. */
  export interface FvRuleSet {
    path: string;
    rules: string[];
    translationKey?: string;
    rootObject?: Record<string, unknown>;
  }

  // No props and no setup bindings: `{}` (not Record<string, never>, which would make every prop never).
  const FormValidation: import('vue').DefineComponent<
    {}, // eslint-disable-line @typescript-eslint/no-empty-object-type
    {}, // eslint-disable-line @typescript-eslint/no-empty-object-type
    { fvFormRuleSets: FvRuleSet[]; fvReportedValidationPaths: string[] },
    {
      fvExtraRules(): Record<string, FvValidator>;
      fvRulesets(): FvRuleSet[];
      fvUnreportedValidationErrors(): string[];
      fvValidationErrors(): string[];
      fvFormIsValid(): boolean;
    },
    {
      fvGetPathRules(path: string): FvValidator[];
      fvGetAndReportPathRules(path: string): FvValidator[];
      fvGetPathErrors(paths?: string[]): string[];
    }
  >;

  export default FormValidation;
}

declare module '@shell/components/*' {
  const component: import('vue').DefineComponent<{}, {}, any>; // eslint-disable-line @typescript-eslint/no-empty-object-type

  export default component;
}
