import type { ConfigLayer, DeviceGroup } from '../types/resources';
import { problemL10nKey, type ConfigProblem } from './config-validation';
import { matchesSelector } from './selector';

/** Config keys a layer sets (plain values and explicitly listed secret keys). */
export function layerKeys(layer: ConfigLayer | undefined): string[] {
  return [...Object.keys(layer?.values || {}), ...(layer?.secretRefs || []).flatMap((r) => r.keys || [])];
}

/** Keys a device gets from its cluster, class and the groups whose selector matches its labels. */
export function keysFromOtherLayers(input: {
  cluster?: { spec?: { config?: ConfigLayer } };
  deviceClass?: { spec?: { config?: ConfigLayer } };
  groups?: DeviceGroup[];
  labels?: Record<string, string>;
}): string[] {
  const groups = (input.groups || []).filter((g) => matchesSelector(input.labels, g.spec?.selector));

  return [
    ...layerKeys(input.cluster?.spec?.config),
    ...layerKeys(input.deviceClass?.spec?.config),
    ...groups.flatMap((g) => layerKeys(g.spec?.config)),
  ];
}

/** Select options from objects: label and value are the name. */
export function nameOptions(objects: { metadata: { name: string } }[]): { label: string; value: string }[] {
  return objects.map((o) => ({ label: o.metadata.name, value: o.metadata.name })).sort((a, b) => a.label.localeCompare(b.label));
}

/** Objects of one namespace. */
export function inNamespace<T extends { metadata: { namespace?: string } }>(objects: T[] | undefined, namespace: string | undefined): T[] {
  return (objects || []).filter((o) => o.metadata?.namespace === namespace);
}

/** Secrets as the config editor lists them: name and data keys. */
export function secretChoices(secrets: { metadata: { name: string }; data?: Record<string, string> }[]): { name: string; keys: string[] }[] {
  return secrets.map((s) => ({ name: s.metadata.name, keys: Object.keys(s.data || {}) })).sort((a, b) => a.name.localeCompare(b.name));
}

/** Problems grouped by key name, each translated with `t`. */
export function problemsByKey(problems: ConfigProblem[], t: (key: string, args?: Record<string, unknown>) => string): Record<string, string> {
  const out: Record<string, string> = {};

  for (const p of problems) {
    const name = String(p.key ?? p.args.name ?? '');
    const text = t(problemL10nKey(p), p.args);

    out[name] = out[name] ? `${ out[name] } ${ text }` : text;
  }

  return out;
}
