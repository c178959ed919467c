import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { seedDynsecConfig, writeDynsecFile, type SeedOptions } from './dynsec/file';
import { freePort, waitForPort } from './ports';
import { BrokerKind, type BrokerOptions, type RunningBroker } from './types';

/** Where Debian and other distributions install mosquitto's dynamic-security plugin. */
const PLUGIN_CANDIDATES = [
  '/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so',
  '/usr/lib/aarch64-linux-gnu/mosquitto_dynamic_security.so',
  '/usr/lib/mosquitto_dynamic_security.so',
  '/usr/local/lib/mosquitto_dynamic_security.so',
  '/usr/lib64/mosquitto_dynamic_security.so',
];

/** The mosquitto binary and its dynamic-security plugin, or why they cannot be used. */
export type MosquittoInstallation = { ok: true; binary: string; plugin: string; version: string } | { ok: false; reason: string };

/** Looks for mosquitto 2.x and its dynamic-security plugin on this machine. */
export function findMosquitto(): MosquittoInstallation {
  const candidates = ['/usr/sbin/mosquitto', '/usr/local/sbin/mosquitto', '/usr/bin/mosquitto'];
  const binary = candidates.find((p) => existsSync(p)) ?? (spawnSync('which', ['mosquitto'], { encoding: 'utf8' }).stdout.trim() || undefined);
  if (!binary) return { ok: false, reason: 'mosquitto is not installed (Debian: apt-get install mosquitto mosquitto-clients)' };
  const help = spawnSync(binary, ['-h'], { encoding: 'utf8' });
  const version = /mosquitto version (\S+)/.exec(`${help.stdout}${help.stderr}`)?.[1];
  if (!version) return { ok: false, reason: `${binary} -h printed no version` };
  if (!version.startsWith('2.')) return { ok: false, reason: `mosquitto ${version} is too old: the dynamic-security plugin needs 2.x` };
  const plugin = PLUGIN_CANDIDATES.find((p) => existsSync(p));
  if (!plugin) return { ok: false, reason: `mosquitto ${version} is installed but its dynamic-security plugin (mosquitto_dynamic_security.so) is not` };
  return { ok: true, binary, plugin, version };
}

/** mosquitto.conf for a broker on 127.0.0.1 with the dynamic-security plugin (no anonymous access). */
export function mosquittoConfig(o: { port: number; plugin: string; dynsecFile: string; dir: string; persistence: boolean; tls?: { port: number; certFile: string; keyFile: string; caFile: string } }): string {
  const lines = [
    '# Written by @kubeflash/broker for development and tests.',
    'per_listener_settings false',
    'allow_anonymous false',
    // Stay the user that started us: dropping to "mosquitto" would lose access to this folder.
    ...(process.getuid?.() === 0 ? ['user root'] : []),
    `plugin ${o.plugin}`,
    `plugin_opt_config_file ${o.dynsecFile}`,
    `listener ${o.port} 127.0.0.1`,
    ...(o.tls ? [`listener ${o.tls.port} 127.0.0.1`, `certfile ${o.tls.certFile}`, `keyfile ${o.tls.keyFile}`, `cafile ${o.tls.caFile}`] : []),
    `persistence ${o.persistence ? 'true' : 'false'}`,
    `persistence_location ${o.dir}/`,
    'autosave_interval 5',
    'max_queued_messages 100000',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    'log_type notice',
    'connection_messages false',
    '',
  ];
  return lines.join('\n');
}

/**
 * Starts Debian's mosquitto with the dynamic-security plugin: its own config and dynsec file in `dir` (a new
 * file with the admin account unless `dir` already has one), plain listener on a free port, optional TLS.
 */
export async function startMosquitto(options: BrokerOptions & { seed?: Omit<SeedOptions, 'admin'> }): Promise<RunningBroker> {
  const found = findMosquitto();
  if (!found.ok) throw new Error(found.reason);
  const log = options.log ?? (() => undefined);
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  const dynsecFile = join(options.dir, 'dynamic-security.json');
  if (!existsSync(dynsecFile)) await writeDynsecFile(dynsecFile, seedDynsecConfig({ admin: options.admin, ...options.seed }));
  const port = options.port || (await freePort());
  let tls: { port: number; certFile: string; keyFile: string; caFile: string } | undefined;
  if (options.tls) {
    tls = { port: options.tls.port || (await freePort()), certFile: join(options.dir, 'server.crt'), keyFile: join(options.dir, 'server.key'), caFile: join(options.dir, 'ca.crt') };
    await writeFile(tls.certFile, options.tls.certPem);
    await writeFile(tls.keyFile, options.tls.keyPem, { mode: 0o600 });
    await writeFile(tls.caFile, options.tls.caPem);
  }
  const configFile = join(options.dir, 'mosquitto.conf');
  await writeFile(configFile, mosquittoConfig({ port, plugin: found.plugin, dynsecFile, dir: options.dir, persistence: options.persistence ?? true, tls }));

  // A small shell stays between us and mosquitto and stops it when our end of its stdin closes: also when this
  // process dies without cleaning up (SIGKILL), no mosquitto is left behind.
  const guard = 'mosquitto_bin="$1"; "$mosquitto_bin" -c "$2" & m=$!; trap \'kill $m 2>/dev/null\' TERM INT; cat >/dev/null; kill $m 2>/dev/null; wait $m';
  const child = spawn('sh', ['-c', guard, 'kubeflash-mosquitto', found.binary, configFile], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    const text = d.toString();
    stderr = (stderr + text).slice(-4000);
    for (const line of text.split('\n')) if (line.trim()) log(`mosquitto: ${line.trim()}`);
  });
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = `mosquitto exited (${signal ?? `code ${code}`}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`;
      resolve();
    });
  });
  try {
    await waitForPort(port, 10_000, () => exited);
    if (tls) await waitForPort(tls.port, 10_000, () => exited);
  } catch (err) {
    child.stdin?.end();
    throw err;
  }
  log(`mosquitto ${found.version} with dynamic security on mqtt://127.0.0.1:${port}${tls ? ` and mqtts://localhost:${tls.port}` : ''}`);
  return {
    kind: BrokerKind.Mosquitto,
    url: `mqtt://127.0.0.1:${port}`,
    port,
    ...(tls ? { tlsUrl: `mqtts://localhost:${tls.port}` } : {}),
    maxProtocolVersion: 5,
    dynsecFile,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(timer);
    },
  };
}
