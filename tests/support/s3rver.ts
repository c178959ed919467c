import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// s3rver (an S3-compatible server from npm) has no type declarations.
// @ts-expect-error -- untyped CommonJS module
import S3rver from 's3rver';
import type { S3StoreOptions } from '../../operator/src/artifacts/store';

/** A running s3rver on loopback with one bucket, and the options to reach it. */
export interface TestS3 {
  options: S3StoreOptions;
  stop(): Promise<void>;
}

/** Starts s3rver on 127.0.0.1 (any free port) with the bucket `kubeflash-test`, storing in a temporary folder. */
export async function startS3rver(): Promise<TestS3> {
  const dir = mkdtempSync(join(tmpdir(), 'kubeflash-s3rver-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir, configureBuckets: [{ name: 'kubeflash-test' }] });
  const { port } = (await server.run()) as { port: number };
  return {
    options: {
      bucket: 'kubeflash-test',
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      prefix: 'artifacts/',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      stagingDir: mkdtempSync(join(tmpdir(), 'kubeflash-s3-staging-')),
    },
    stop: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
