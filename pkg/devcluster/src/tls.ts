import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generate } from 'selfsigned';

/** The serving certificate of devcluster and the CA that signed it (PEM). */
export interface ServingTls {
  caPem: string;
  certPem: string;
  keyPem: string;
}

const caExtensions = [
  { name: 'basicConstraints' as const, cA: true, critical: true },
  { name: 'keyUsage' as const, keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
];

/** Makes a fresh CA and a serving certificate for loopback (127.0.0.1, ::1, localhost). */
export async function createServingTls(): Promise<ServingTls> {
  const notAfterDate = new Date(Date.now() + 10 * 365 * 24 * 3600 * 1000);
  const ca = await generate([{ name: 'commonName', value: 'devcluster-ca' }], { keyType: 'ec', algorithm: 'sha256', notAfterDate, extensions: caExtensions });
  const serving = await generate([{ name: 'commonName', value: 'devcluster' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }, { type: 2, value: 'localhost' }] },
    ],
  });
  return { caPem: ca.cert, certPem: serving.cert, keyPem: serving.private };
}

/**
 * The serving TLS material kept in `<stateDir>/pki/`, so kubeconfigs written earlier stay valid
 * across restarts; created on first use. Without a state folder, a fresh one per process.
 */
export async function loadOrCreateServingTls(stateDir?: string): Promise<ServingTls> {
  if (!stateDir) return createServingTls();
  const dir = join(stateDir, 'pki');
  const file = join(dir, 'serving-tls.json');
  try {
    const stored = JSON.parse(await readFile(file, 'utf8')) as Partial<ServingTls>;
    if (stored.caPem && stored.certPem && stored.keyPem) return stored as ServingTls;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read ${file}: ${(err as Error).message}`);
  }
  const tls = await createServingTls();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(`${file}.tmp`, JSON.stringify(tls), { mode: 0o600 });
  await rename(`${file}.tmp`, file);
  return tls;
}
