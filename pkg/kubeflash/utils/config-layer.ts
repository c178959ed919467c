import { ConfigKeyType, type ConfigLayer, type ConfigKey } from '@kubeflash/api';

function withoutKey(values: Record<string, string> | undefined, key: string): Record<string, string> {
  return Object.fromEntries(Object.entries(values || {}).filter(([k]) => k !== key));
}

/** Sets (or, for an empty value, removes) one plain value; returns a new layer. */
export function setConfigValue(layer: ConfigLayer | undefined, key: string, value: string | undefined): ConfigLayer {
  const values = withoutKey(layer?.values, key);

  if (value !== undefined && value !== '') {
    values[key] = value;
  }

  return { ...(layer || {}), values };
}

/** The Secret a key is taken from in this layer (only explicit key lists count). */
export function secretForKey(layer: ConfigLayer | undefined, key: string): string | undefined {
  return (layer?.secretRefs || []).find((r) => (r.keys || []).includes(key))?.name;
}

/**
 * Takes `key` from Secret `secretName` (or from no Secret when empty): removes it from every other
 * secretRefs entry and from plain values, drops entries left without keys; returns a new layer.
 */
export function setSecretForKey(layer: ConfigLayer | undefined, key: string, secretName: string | undefined): ConfigLayer {
  const refs = (layer?.secretRefs || [])
    .map((r) => ({ ...r, keys: r.keys ? r.keys.filter((k) => k !== key) : r.keys }))
    .filter((r) => !r.keys || r.keys.length > 0);

  if (secretName) {
    const existing = refs.find((r) => r.name === secretName);

    if (existing && existing.keys) {
      existing.keys = [...existing.keys, key];
    } else if (!existing) {
      refs.push({ name: secretName, keys: [key] });
    }
  }

  return {
    ...(layer || {}), values: withoutKey(layer?.values, key), secretRefs: refs
  };
}

/** Input kind of a typed key in forms. */
export function inputKind(key: Pick<ConfigKey, 'type' | 'secret'>): 'secret' | 'boolean' | 'number' | 'text' {
  if (key.secret) {
    return 'secret';
  }
  if (key.type === ConfigKeyType.Bool) {
    return 'boolean';
  }

  return key.type === ConfigKeyType.String || key.type === ConfigKeyType.Blob ? 'text' : 'number';
}

/** Removes empty values/secretRefs so saved objects stay minimal; returns a new layer or undefined when empty. */
export function compactLayer(layer: ConfigLayer | undefined): ConfigLayer | undefined {
  const values = Object.fromEntries(Object.entries(layer?.values || {}).filter(([, v]) => v !== '' && v !== undefined));
  const secretRefs = (layer?.secretRefs || []).filter((r) => r.name);
  const out: ConfigLayer = {};

  if (Object.keys(values).length) {
    out.values = values;
  }
  if (secretRefs.length) {
    out.secretRefs = secretRefs;
  }

  return Object.keys(out).length ? out : undefined;
}
