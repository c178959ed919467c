/** A select option. */
export interface Option {
  label: string;
  value: string;
}

/** A Secret as the config editor offers it: its name and data keys (never its values). */
export interface SecretChoice {
  name: string;
  keys: string[];
}

interface Named {
  metadata: { name?: string; namespace?: string };
}

/** Select options from objects: label and value are the name, sorted. */
export function nameOptions(objects: readonly Named[]): Option[] {
  return objects.map((o) => ({ label: o.metadata.name || '', value: o.metadata.name || '' })).sort((a, b) => a.label.localeCompare(b.label));
}

/** Objects of one namespace. */
export function inNamespace<T extends Named>(objects: readonly T[] | undefined, namespace: string | undefined): T[] {
  return (objects || []).filter((o) => o.metadata?.namespace === namespace);
}

/** The object named `name` among `objects`. */
export function byName<T extends Named>(objects: readonly T[], name: string | undefined): T | undefined {
  return name ? objects.find((o) => o.metadata.name === name) : undefined;
}

/** Secrets as the config editor lists them: name and data keys, sorted by name. */
export function secretChoices(secrets: readonly (Named & { data?: Record<string, string> })[]): SecretChoice[] {
  return secrets.map((s) => ({ name: s.metadata.name || '', keys: Object.keys(s.data || {}) })).sort((a, b) => a.name.localeCompare(b.name));
}
