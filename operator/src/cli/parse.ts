import { UsageError } from './errors';

/** Parses a TCP port option (0..65535), naming the option in the error. */
export function parsePort(text: string, option: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 65535) {
    throw new UsageError(`${option} must be a port number from 0 to 65535, got "${text}"`);
  }
  return value;
}
