import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { makeTestCa } from '@kubeflash/broker';
import { buildEspImage, chipIdFromName, encodeAppDescription } from '@kubeflash/esp';
import { OtaFailure, downloadImage, verifyImage } from './ota';

const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const publicKeyDer = new Uint8Array(keys.publicKey.export({ format: 'der', type: 'spki' }));
const app = buildEspImage({
  chipId: chipIdFromName('esp32c3'),
  segments: [{ loadAddress: 0x3c000020, data: new Uint8Array([...encodeAppDescription({ version: '1.5.0', projectName: 'c3-sensor' }), ...new Uint8Array(200_000).fill(7)]) }],
});
const command = (image: Uint8Array, over: Partial<{ size: number; sha256: string; signature: string }> = {}) => ({
  id: '0b7c3a52-2c1e-4f7e-9a3d-5a1f0e2b9c11/1',
  version: '1.5.0',
  url: 'http://127.0.0.1/x',
  size: image.length,
  sha256: createHash('sha256').update(image).digest('hex'),
  signature: sign('sha256', image, { key: keys.privateKey, dsaEncoding: 'der' }).toString('base64'),
  ...over,
});
const reason = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof OtaFailure) return err.reason;
    throw err;
  }
  return 'none';
};

describe('verifyImage', () => {
  it('accepts a signed image of its chip and reads its version', () => {
    expect(verifyImage(app, command(app), publicKeyDer, 'esp32c3')).toEqual({ version: '1.5.0', project: 'c3-sensor' });
  });
  it.each([
    ['a shorter image', () => verifyImage(app.slice(1), command(app), publicKeyDer, 'esp32c3'), 'size-mismatch'],
    ['a changed byte', () => verifyImage(Uint8Array.from(app, (b, i) => (i === 500 ? b ^ 1 : b)), command(app), publicKeyDer, 'esp32c3'), 'sha256-mismatch'],
    ['a signature of another key', () => verifyImage(app, command(app, { signature: sign('sha256', app, { key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, dsaEncoding: 'der' }).toString('base64') }), publicKeyDer, 'esp32c3'), 'signature-invalid'],
    ['an image for another chip', () => verifyImage(app, command(app), publicKeyDer, 'esp32s3'), 'invalid-image'],
    ['signed bytes that are no ESP image', () => { const junk = new Uint8Array(64).fill(1); return verifyImage(junk, command(junk), publicKeyDer, 'esp32c3'); }, 'invalid-image'],
  ])('rejects %s', (_t, fn, expected) => {
    expect(reason(fn)).toBe(expected);
  });
});

describe('downloadImage', () => {
  let server: Server;
  let url: string;
  const ranges: (string | undefined)[] = [];
  beforeAll(async () => {
    // A minimal Range server (the real artifact service is exercised by tests/rollouts).
    server = createServer((req, res) => {
      ranges.push(req.headers.range);
      const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      const from = m ? Number(m[1]) : 0;
      res.writeHead(m ? 206 : 200, { 'Content-Length': app.length - from });
      if (req.url === '/drops-once.bin' && !m) {
        // The server (not the client) drops the connection halfway through the first answer.
        res.write(Buffer.from(app.subarray(0, 100_000)), () => setTimeout(() => res.destroy(), 20));
        return;
      }
      res.end(Buffer.from(app.subarray(from)));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/app.bin`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    ranges.length = 0;
  });

  it('downloads the whole image in one request', async () => {
    expect(Buffer.compare(await downloadImage({ url, size: app.length }), Buffer.from(app))).toBe(0);
    expect(ranges).toEqual([undefined]);
  });
  it('resumes with Range after the connection is cut', async () => {
    const got = await downloadImage({ url, size: app.length, cutAtByte: 70_000 });
    expect(Buffer.compare(got, Buffer.from(app))).toBe(0);
    expect(ranges).toEqual([undefined, 'bytes=70000-']);
  });
  it('resumes with Range when the server drops the connection mid-body', async () => {
    const got = await downloadImage({ url: url.replace('/app.bin', '/drops-once.bin'), size: app.length });
    expect(Buffer.compare(got, Buffer.from(app))).toBe(0);
    expect(ranges[0]).toBeUndefined();
    expect(ranges[1]).toMatch(/^bytes=\d+-$/);
    expect(Number(/\d+/.exec(ranges[1] ?? '')?.[0])).toBeGreaterThan(0);
  });
  it('refuses a URL that is neither http nor https, naming its scheme', async () => {
    await expect(downloadImage({ url: 'ftp://127.0.0.1/app.bin', size: app.length })).rejects.toMatchObject({ reason: 'download-failed', detail: 'ftp: URLs are not supported' });
    expect(ranges).toEqual([]);
  });
  it('fails with download-failed when every request fails', async () => {
    await expect(downloadImage({ url, size: app.length, failEveryRequest: true, retries: 1 })).rejects.toMatchObject({ reason: 'download-failed' });
  });
});

describe('downloadImage over https', () => {
  const tls = makeTestCa('kubeflash artifacts test CA');
  let server: ReturnType<typeof createHttpsServer>;
  let url: string;
  beforeAll(async () => {
    server = createHttpsServer({ key: tls.keyPem, cert: tls.certPem }, (_req, res) => {
      res.writeHead(200, { 'Content-Length': app.length });
      res.end(Buffer.from(app));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/app.bin`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('trusts the CA it is given (the firmware uses mqtt_ca for the OTA server too)', async () => {
    expect(Buffer.compare(await downloadImage({ url, size: app.length, ca: tls.caPem }), Buffer.from(app))).toBe(0);
  });
  it('refuses a server its CA did not sign, as download-failed naming the certificate problem', async () => {
    const other = makeTestCa('another CA');
    await expect(downloadImage({ url, size: app.length, ca: other.caPem, retries: 0 })).rejects.toMatchObject({ reason: 'download-failed', detail: expect.stringMatching(/certificate/) });
  });
});
