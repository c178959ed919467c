import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { CONNACK_REFUSED_CREDENTIALS, CONNACK_UNSUPPORTED_PROTOCOL, protocolLevels } from '@kubeflash/protocol';

/** What connecting needs besides the session settings. */
export interface MqttEndpoint {
  /** `mqtt://host[:port]` or `mqtts://host[:port]`. */
  url: string;
  username?: string;
  password?: string;
  clientId: string;
  /** PEM CA to verify an mqtts broker with (default: the system's trust store). */
  caPem?: string;
  /** 5, 4 (3.1.1) or 'auto': try 5 and fall back to 3.1.1 when the broker refuses the protocol level. */
  protocolVersion?: 4 | 5 | 'auto';
}

const UNSUPPORTED_PROTOCOL = new Set(CONNACK_UNSUPPORTED_PROTOCOL);
const AUTH_REFUSED = new Set(CONNACK_REFUSED_CREDENTIALS);

/** Why a connection attempt failed, in words for conditions and logs (never the password). */
export function describeConnectError(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'number' && AUTH_REFUSED.has(code)) return `the broker refused the credentials (CONNACK ${code})`;
  if (typeof code === 'number' && UNSUPPORTED_PROTOCOL.has(code)) return `the broker refused the MQTT protocol level (CONNACK ${code})`;
  if (typeof code === 'string') return `${code}: ${(err as Error).message}`;
  return err instanceof Error ? err.message : String(err);
}

/** True when the broker refused the credentials (no point retrying with the same ones). */
export function isAuthRefused(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'number' && AUTH_REFUSED.has(code);
}

/**
 * Connects once (no automatic reconnect: callers own their retry loop) and resolves with the connected client and
 * the protocol level in use. With `protocolVersion: 'auto'` it tries MQTT 5 first and, when the broker refuses the
 * level (3.1.1-only brokers such as the embedded one), 3.1.1.
 */
export async function connectMqtt(endpoint: MqttEndpoint, session: Omit<IClientOptions, 'protocolVersion'> & { protocolVersion?: 4 | 5 }, timeoutMs = 10_000): Promise<{ client: MqttClient; protocolVersion: 4 | 5 }> {
  const versions = protocolLevels(endpoint.protocolVersion ?? 'auto');
  let lastError: unknown;
  for (const protocolVersion of versions) {
    const options: IClientOptions = {
      ...session,
      ...(protocolVersion === 4 ? { properties: undefined } : {}),
      protocolVersion,
      clientId: endpoint.clientId,
      username: endpoint.username,
      password: endpoint.password,
      reconnectPeriod: 0,
      connectTimeout: timeoutMs,
      ...(endpoint.caPem ? { ca: endpoint.caPem } : {}),
    };
    try {
      const client = await mqtt.connectAsync(endpoint.url, options, false);
      return { client, protocolVersion };
    } catch (err) {
      lastError = err;
      const code = (err as { code?: unknown }).code;
      if (!(typeof code === 'number' && UNSUPPORTED_PROTOCOL.has(code))) break;
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}
