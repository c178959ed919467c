import { randomBytes } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import mqtt from 'mqtt';
import { DEFAULT_TOPIC_PREFIX, type Device, type DevicesCluster } from '@kubeflash/api';
import { CONNACK_UNSUPPORTED_PROTOCOL, Channel, Direction, MessageKind, deviceId, deviceTopic, parseMessage, protocolLevels } from '@kubeflash/protocol';
import { brokerCa, operatorCredentials, readObject } from './fleet';

/** What to stream. */
export interface LogStreamOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  name: string;
  /** Keep following until stopped; otherwise stop after `timeoutMs`. */
  follow: boolean;
  timeoutMs: number;
  /** Connect here instead of the DevicesCluster's operatorBrokerUri / brokerUri. */
  brokerUrl?: string;
  /** Resolves to stop following (Ctrl-C). */
  stopped?: Promise<void>;
  write: (line: string) => void;
  note: (line: string) => void;
}

/** One log record as a line: time, level, tag, message (continuation lines indented). */
export function formatLogRecord(at: Date, payload: { level: string; tag: string; msg: string; uptimeMs?: number }): string {
  const uptime = payload.uptimeMs !== undefined ? ` +${(payload.uptimeMs / 1000).toFixed(3)}s` : '';
  return `${at.toISOString()}${uptime} ${payload.level.toUpperCase().padEnd(7)} ${payload.tag}: ${payload.msg.replace(/\n/g, '\n    ')}`;
}

/**
 * Streams one device's `logs` channel from its DevicesCluster's broker with the operator's account (a separate
 * client id, so the operator's session is not taken over). Device logs are live only (QoS 0, not retained): the
 * command prints what arrives while it runs. Records that break the protocol are reported, not printed.
 */
export async function streamDeviceLogs(o: LogStreamOptions): Promise<number> {
  const device = await readObject<Device>(o.kubeConfig, 'devices', o.namespace, o.name);
  if (!device) throw new Error(`Device ${o.namespace}/${o.name} does not exist`);
  const cluster = await readObject<DevicesCluster>(o.kubeConfig, 'devicesclusters', o.namespace, device.spec.devicesClusterRef.name);
  if (!cluster) throw new Error(`DevicesCluster ${o.namespace}/${device.spec.devicesClusterRef.name} of Device ${o.name} does not exist`);
  const credentials = await operatorCredentials(o.kubeConfig, cluster);
  const url = o.brokerUrl ?? cluster.spec.mqtt.operatorBrokerUri ?? cluster.spec.mqtt.brokerUri;
  const ca = await brokerCa(o.kubeConfig, cluster);
  const prefix = cluster.spec.mqtt.topicPrefix ?? DEFAULT_TOPIC_PREFIX;
  const topic = deviceTopic(prefix, deviceId(o.namespace, o.name), Channel.Logs);
  let client: mqtt.MqttClient | undefined;
  let lastError: unknown;
  for (const protocolVersion of protocolLevels('auto')) {
    try {
      client = await mqtt.connectAsync(url, { ...credentials, clientId: `kubeflash_cli.${randomBytes(6).toString('hex')}`, protocolVersion, clean: true, reconnectPeriod: 0, connectTimeout: 10_000, ...(ca ? { ca } : {}) }, false);
      break;
    } catch (err) {
      lastError = err;
      const code = (err as { code?: unknown }).code;
      if (!(typeof code === 'number' && CONNACK_UNSUPPORTED_PROTOCOL.includes(code))) break;
    }
  }
  if (!client) throw new Error(`cannot connect to ${url} with the operator's account: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
  let records = 0;
  client.on('message', (t, payload) => {
    const parsed = parseMessage(prefix, t, payload, { direction: Direction.DeviceToOperator });
    if (!parsed.ok) {
      o.note(`(a message on ${t} broke the protocol: ${parsed.violation.detail})`);
      return;
    }
    if (parsed.message.kind !== MessageKind.Logs) return;
    records++;
    const ts = parsed.message.payload.ts;
    o.write(formatLogRecord(ts !== undefined ? new Date(ts * 1000) : new Date(), parsed.message.payload));
  });
  await client.subscribeAsync(topic, { qos: 0 });
  o.note(`streaming ${topic} from ${url}${o.follow ? ' (Ctrl-C to stop)' : ` for ${Math.round(o.timeoutMs / 1000)} s (-f to follow)`}; device logs are live only, nothing is stored`);
  const closed = new Promise<void>((resolve) => client?.once('close', () => resolve()));
  const waits: Promise<unknown>[] = [closed, ...(o.stopped ? [o.stopped] : [])];
  if (!o.follow) waits.push(new Promise((r) => setTimeout(r, o.timeoutMs)));
  await Promise.race(waits);
  await client.endAsync(true).catch(() => undefined);
  return records;
}
