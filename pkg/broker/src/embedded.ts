import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer as createTcpServer, type Server } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { readDynsecFile, seedDynsecConfig, writeDynsecFile, type SeedOptions } from './dynsec/file';
import { DynsecState } from './dynsec/state';
import { DYNSEC_CONTROL_TOPIC, DYNSEC_RESPONSE_TOPIC } from './dynsec/types';
import { BrokerKind, type BrokerOptions, type RunningBroker } from './types';

/** Where a denied publish goes: no client may subscribe to it, so the message reaches nobody (as mosquitto drops it). */
const DENIED_TOPIC = '$kubeflash-denied';
/** mosquitto refuses a login with CONNACK 5 "not authorised" (MQTT 3.1.1). */
const NOT_AUTHORIZED = 5;

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/**
 * Starts the embedded broker: aedes (MQTT 3.1.1) with mosquitto's dynamic-security behaviour emulated by
 * DynsecState — the same dynamic-security file, accounts, PBKDF2 passwords, ACL decisions and
 * `$CONTROL/dynamic-security/v1` commands, so the operator administers it exactly like mosquitto. Denied publishes
 * are acknowledged and dropped (as mosquitto does), denied subscriptions get SUBACK 0x80. For development and tests
 * when mosquitto is not installed.
 */
export async function startEmbeddedBroker(options: BrokerOptions & { seed?: Omit<SeedOptions, 'admin'> }): Promise<RunningBroker> {
  const log = options.log ?? (() => undefined);
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  const dynsecFile = join(options.dir, 'dynamic-security.json');
  if (!existsSync(dynsecFile)) await writeDynsecFile(dynsecFile, seedDynsecConfig({ admin: options.admin, ...options.seed }));
  const state = new DynsecState(await readDynsecFile(dynsecFile));
  let saving: Promise<void> = Promise.resolve();
  const save = (): void => {
    const snapshot = state.toConfig();
    saving = saving.then(() => writeDynsecFile(dynsecFile, snapshot)).catch((err: unknown) => log(`embedded broker: cannot save ${dynsecFile}: ${String(err)}`));
  };

  const usernames = new WeakMap<Client, string | undefined>();
  const broker = await Aedes.createBroker({
    heartbeatInterval: 60_000,
    maxClientsIdLength: 512,
    queueLimit: 1000,
    authenticate(client, username, password, done) {
      const bound = username === undefined ? undefined : state.boundClientId(username);
      if (!state.authenticate(username, password?.toString('utf8')) || (bound !== undefined && bound !== client.id)) {
        const err = new Error('not authorised') as AuthenticateError;
        err.returnCode = NOT_AUTHORIZED;
        return done(err, false);
      }
      usernames.set(client, username);
      done(null, true);
    },
    authorizePublish(client, packet, done) {
      // client is null only for wills published after a broker restart; they were checked when stored.
      if (!client) return done(null);
      const username = usernames.get(client);
      if (!state.allowed(username, 'publish', packet.topic)) {
        packet.topic = DENIED_TOPIC;
        packet.retain = false;
        return done(null);
      }
      if (packet.topic === DYNSEC_CONTROL_TOPIC) {
        let commands: unknown;
        try {
          commands = (JSON.parse(packet.payload.toString()) as { commands?: unknown }).commands;
        } catch {
          commands = undefined;
        }
        const outcome = state.run(commands);
        if (outcome.changed) save();
        broker.publish({ cmd: 'publish', topic: DYNSEC_RESPONSE_TOPIC, payload: Buffer.from(JSON.stringify({ responses: outcome.responses })), qos: 0, retain: false, dup: false }, () => {
          for (const c of Object.values((broker as unknown as { clients: Record<string, Client> }).clients)) {
            const name = usernames.get(c);
            if (name !== undefined && outcome.kick.has(name)) c.close();
          }
        });
        packet.topic = DENIED_TOPIC;
        packet.retain = false;
      }
      done(null);
    },
    authorizeSubscribe(client, subscription, done) {
      done(null, state.allowed(usernames.get(client), 'subscribe', subscription.topic) ? subscription : null);
    },
    authorizeForward(client, packet) {
      return state.allowed(usernames.get(client), 'receive', packet.topic) ? packet : null;
    },
  });
  broker.on('clientError', (client, err) => log(`embedded broker: client ${client.id}: ${err.message}`));

  const servers: Server[] = [];
  const plain = createTcpServer((socket) => broker.handle(socket));
  servers.push(plain);
  const port = await listen(plain, options.port ?? 0);
  let tlsPort: number | undefined;
  if (options.tls) {
    const secure = createTlsServer({ cert: options.tls.certPem, key: options.tls.keyPem, ca: options.tls.caPem }, (socket) => broker.handle(socket));
    servers.push(secure);
    tlsPort = await listen(secure, options.tls.port ?? 0);
  }
  log(`embedded MQTT broker (aedes, MQTT 3.1.1, emulated dynamic security) on mqtt://127.0.0.1:${port}${tlsPort ? ` and mqtts://localhost:${tlsPort}` : ''}`);
  return {
    kind: BrokerKind.Embedded,
    url: `mqtt://127.0.0.1:${port}`,
    port,
    ...(tlsPort ? { tlsUrl: `mqtts://localhost:${tlsPort}` } : {}),
    maxProtocolVersion: 4,
    dynsecFile,
    async stop() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
      await saving;
    },
  };
}
