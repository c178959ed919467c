/** What every broker started here offers. */

/** TLS material of a listener (PEM). */
export interface TlsListener {
  certPem: string;
  keyPem: string;
  /** CA bundle the listener presents in its chain (mosquitto's cafile). */
  caPem: string;
}

/** Options shared by both brokers. */
export interface BrokerOptions {
  /** Folder for the config, the dynamic-security file and retained-message persistence (created if missing). */
  dir: string;
  /** The administrator account for `$CONTROL/dynamic-security/v1`; written into a new dynamic-security file. */
  admin: { username: string; password: string };
  /** Plain MQTT port on 127.0.0.1 (0 or absent: a free one). */
  port?: number;
  /** Adds an MQTT-over-TLS listener on 127.0.0.1 with this certificate. */
  tls?: TlsListener & { port?: number };
  /** Keep retained messages and persistent sessions across restarts (in `dir`). Default true. */
  persistence?: boolean;
  log?: (line: string) => void;
}

/** The broker implementations. */
export const BrokerKind = {
  /** Debian's mosquitto 2.x with the dynamic-security plugin. */
  Mosquitto: 'mosquitto',
  /** The embedded aedes broker with the emulated dynamic-security plugin (MQTT 3.1.1 only). */
  Embedded: 'embedded',
} as const;
/** One broker implementation. */
export type BrokerKind = (typeof BrokerKind)[keyof typeof BrokerKind];

/** A running broker. */
export interface RunningBroker {
  readonly kind: BrokerKind;
  /** `mqtt://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** `mqtts://localhost:<port>` when a TLS listener runs. */
  readonly tlsUrl?: string;
  /** Highest MQTT protocol level it accepts: 5 (mosquitto) or 4 (3.1.1, the embedded broker). */
  readonly maxProtocolVersion: 4 | 5;
  /** Path of the dynamic-security file. */
  readonly dynsecFile: string;
  stop(): Promise<void>;
}
