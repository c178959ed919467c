/**
 * Child process of artifacts.bench.ts: the artifact service's HTTP listener over a filesystem store holding one
 * 1 MiB blob. Prints `READY <port> <sha256>` and serves until killed. No Kubernetes: blob downloads touch none.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceContext } from '../src/artifacts/service/context';
import { DEFAULT_UPLOAD_LIMITS } from '../src/artifacts/service/context';
import { artifactRequestListener } from '../src/artifacts/service/router';
import { openFileSystemStore, stageStream } from '../src/artifacts/store';

const SIZE = Number(process.env.BENCH_BLOB_BYTES ?? 1024 * 1024);
const { store } = await openFileSystemStore(mkdtempSync(join(tmpdir(), 'kubeflash-bench-store-')));
async function* one(data: Uint8Array): AsyncIterable<Uint8Array> {
  yield data;
}
const blob = await store.commit(await stageStream(one(randomBytes(SIZE)), store.stagingDir, SIZE, 'bench'));
const unused = new Proxy({}, { get: () => { throw new Error('the blob route needs no Kubernetes access'); } });
const ctx = {
  store,
  firmwares: unused,
  classes: unused,
  api: unused,
  core: unused,
  custom: unused,
  urlKey: new Uint8Array(randomBytes(32)),
  publicUrl: 'http://127.0.0.1',
  limits: DEFAULT_UPLOAD_LIMITS,
  log: (line: string) => process.stderr.write(`${line}\n`),
  now: () => new Date(),
} as unknown as ServiceContext;
const server = createServer({ keepAliveTimeout: 65_000 }, artifactRequestListener(ctx));
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`READY ${(server.address() as AddressInfo).port} ${blob.sha256}\n`);
});
