import { UsageError } from './errors';

/** Parses a TCP port option (0..65535), naming the option in the error. */
export function parsePort(text: string, option: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 65535) {
    throw new UsageError(`${option} must be a port number from 0 to 65535, got "${text}"`);
  }
  return value;
}

const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Parses a comma-separated list of namespace names (duplicates dropped), naming the option and the bad name. */
export function parseNamespaces(text: string, option: string): string[] {
  const names = text.split(',').map((n) => n.trim());
  for (const name of names) {
    if (!NAMESPACE_NAME.test(name) || name.length > 63) {
      throw new UsageError(`${option} takes namespace names separated by commas; "${name}" is not a namespace name (lower-case letters, digits and "-", at most 63)`);
    }
  }
  return [...new Set(names)];
}
