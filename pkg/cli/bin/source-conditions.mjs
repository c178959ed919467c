// Module resolution hook: resolve workspace packages to their TypeScript sources (the
// `kubeflash-source` export condition), as TypeScript, jest and the bundlers do in this repository.
export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes('kubeflash-source') ? context.conditions : [...context.conditions, 'kubeflash-source'];
  return nextResolve(specifier, { ...context, conditions });
}
