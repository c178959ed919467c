import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generate } from 'selfsigned';

/** devcluster's CA (it signs the serving certificate and client certificates), and the serving certificate (PEM). */
export interface ServingTls {
  caPem: string;
  caKeyPem: string;
  certPem: string;
  keyPem: string;
}

/** A client certificate: kube-apiserver's x509 authenticator reads CN as the user name and O as the groups. */
export interface ClientCertificate {
  certPem: string;
  keyPem: string;
}

const caExtensions = [
  { name: 'basicConstraints' as const, cA: true, critical: true },
  { name: 'keyUsage' as const, keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
];

const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;

/** Makes a fresh CA and a serving certificate for loopback (127.0.0.1, ::1, localhost). */
export async function createServingTls(): Promise<ServingTls> {
  const notAfterDate = new Date(Date.now() + TEN_YEARS_MS);
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
  return { caPem: ca.cert, caKeyPem: ca.private, certPem: serving.cert, keyPem: serving.private };
}

/** Issues a client certificate from the CA: CN = user name, one O per group. */
export async function issueClientCertificate(tls: ServingTls, user: string, groups: string[] = []): Promise<ClientCertificate> {
  const cert = await generate([{ name: 'commonName', value: user }, ...groups.map((g) => ({ name: 'organizationName', value: g }))], {
    keyType: 'ec',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + TEN_YEARS_MS),
    ca: { key: tls.caKeyPem, cert: tls.caPem },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', clientAuth: true },
    ],
  });
  return { certPem: cert.cert, keyPem: cert.private };
}

/**
 * The TLS material kept in `<stateDir>/pki/`, so kubeconfigs written earlier stay valid across
 * restarts; created on first use (also when an older state folder has no CA key). Without a
 * state folder, a fresh one per process.
 */
export async function loadOrCreateServingTls(stateDir?: string): Promise<ServingTls> {
  if (!stateDir) return createServingTls();
  const dir = join(stateDir, 'pki');
  const file = join(dir, 'serving-tls.json');
  try {
    const stored = JSON.parse(await readFile(file, 'utf8')) as Partial<ServingTls>;
    if (stored.caPem && stored.caKeyPem && stored.certPem && stored.keyPem) return stored as ServingTls;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read ${file}: ${(err as Error).message}`);
  }
  const tls = await createServingTls();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(`${file}.tmp`, JSON.stringify(tls), { mode: 0o600 });
  await rename(`${file}.tmp`, file);
  return tls;
}
