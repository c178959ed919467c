import type { ConfigProblem } from '@kubeflash/api';

/** l10n key of a problem: `kubeflash.validation.<code>` (one message per ConfigProblemCode). */
export function problemL10nKey(p: ConfigProblem): string {
  return `kubeflash.validation.${ p.code }`;
}

/** Problems grouped by key name, each translated with `t`; problems of the same key are joined. */
export function problemsByKey(problems: readonly ConfigProblem[], t: (key: string, args?: Record<string, unknown>) => string): Record<string, string> {
  const out: Record<string, string> = {};

  for (const p of problems) {
    const name = String(p.key ?? p.args.name ?? '');
    const text = t(problemL10nKey(p), p.args);

    out[name] = out[name] ? `${ out[name] } ${ text }` : text;
  }

  return out;
}

/** The messages of `problemsByKey` as one text for a form rule, or undefined when there are none. */
export function problemsText(byKey: Record<string, string>): string | undefined {
  const texts = Object.values(byKey);

  return texts.length ? texts.join(' ') : undefined;
}
