/**
 * The artifact service against devcluster: uploads (all or nothing, one-time tokens), signing checked with openssl
 * against the namespace's ota_pubkey, downloads (Range, ETag, conditional requests), per-firmware manifests and zip,
 * signed per-device links, finalizer and garbage collection.
 */
import { spawnSync } from 'node:child_process';
import { jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { eventually, useTestCluster, type TestCluster } from '@kubeflash/devcluster/testing';
import { createLogger, LogFormat } from '@kubeflash/operator';
import { filesFromBuildDir, postUpload } from '../../operator/src/artifacts/client';
import { signedFlashScriptUrl } from '../../operator/src/artifacts/service/device-files';
import { startArtifactService, type RunningArtifactService } from '../../operator/src/artifacts/service/service';
import { signPath } from '../../operator/src/artifacts/signed-url';
import { openFileSystemStore, type BlobStore } from '../../operator/src/artifacts/store';
import { writeTar } from '../../operator/src/artifacts/upload/tar';
import { DEFAULT_BUILDER_SETTINGS } from '../../operator/src/controllers/firmware/job';
import { installCrds } from '../operator/support';
import { create, deviceClass, firmware, readFirmware, uploadToken, writeDemoBuild } from './support';

jest.setTimeout(120_000);

let cluster: TestCluster;
let ns: string;
let work: string;
let store: BlobStore;
let service: RunningArtifactService;
const urlKey = new Uint8Array(randomBytes(32));
const logs: string[] = [];

async function listBlobs(): Promise<string[]> {
  const out: string[] = [];
  for await (const b of store.list()) out.push(b.sha256);
  return out.sort();
}

function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${service.url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  cluster = await useTestCluster({ namespacePrefix: 'kf-artifacts' });
  ns = cluster.namespace;
  await installCrds(cluster.kubeConfig);
  work = mkdtempSync(join(tmpdir(), 'kubeflash-artifacts-'));
  store = (await openFileSystemStore(join(work, 'store'))).store;
  await create(cluster.kubeConfig, ns, 'deviceclasses', deviceClass('c3-sensor', 'esp32c3', { encryption: 'nvs', partitions: { config: { size: 0x6000 } } }));
  await create(cluster.kubeConfig, ns, 'firmwares', firmware('c3-sensor-1-4-0', 'c3-sensor', '1.4.0'));
  await create(cluster.kubeConfig, ns, 'firmwares', firmware('c3-sensor-1-5-0', 'c3-sensor', '1.5.0'));
  service = await startArtifactService({ kubeConfig: cluster.kubeConfig, store, urlKey, builder: DEFAULT_BUILDER_SETTINGS, namespace: ns, logger: createLogger({ format: LogFormat.Text, write: (line) => logs.push(line) }) });
});

afterAll(async () => {
  await service?.stop();
  await cluster?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('a Firmware of source upload', () => {
  it('waits for an upload, with its finalizer and conditions', async () => {
    const fw = await eventually(async () => {
      const f = await readFirmware(cluster.kubeConfig, ns, 'c3-sensor-1-4-0');
      return f.status?.phase === 'Pending' && f.metadata.finalizers?.includes('kubeflash.dev/firmware-artifacts') ? f : undefined;
    }, 'Firmware Pending with its finalizer');
    expect(fw.status?.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([['Built', 'False', 'AwaitingUpload'], ['ArtifactsReady', 'False', 'NotBuilt']]);
    expect(fw.status?.message).toBe(`waiting for an upload of version 1.4.0: kubeflash firmware upload c3-sensor-1-4-0 -n ${ns} --build-dir <ESP-IDF build folder>`);
  });

  it('refuses uploads without a token, with a wrong one, or with a used one (401), storing nothing', async () => {
    const build = filesFromBuildDir((writeDemoBuild(join(work, 'b140'), { chip: 'esp32c3', version: '1.4.0', projectName: 'c3-sensor' }), join(work, 'b140')));
    expect((await postUpload(service.url, ns, 'c3-sensor-1-4-0', '', build)).status).toBe(401);
    const wrong = await postUpload(service.url, ns, 'c3-sensor-1-4-0', `c3-sensor-1-4-0-upload-00000000.${'x'.repeat(43)}`, build);
    expect(wrong).toEqual({ status: 401, body: { message: 'the upload token is unknown or was already used' } });
    const forOther = await uploadToken(cluster.kubeConfig, ns, 'c3-sensor-1-5-0');
    expect(await postUpload(service.url, ns, 'c3-sensor-1-4-0', forOther, build)).toEqual({ status: 401, body: { message: `the upload token is not valid for Firmware ${ns}/c3-sensor-1-4-0` } });
    expect(await listBlobs()).toEqual([]);
    expect(logs.join('\n')).not.toContain(forOther);
  });

  it('accepts a build: Succeeded with artifacts, app description and a signature openssl verifies with the ota_pubkey', async () => {
    const token = await uploadToken(cluster.kubeConfig, ns, 'c3-sensor-1-4-0');
    const build = writeDemoBuild(join(work, 'b140'), { chip: 'esp32c3', version: '1.4.0', projectName: 'c3-sensor' });
    const result = await postUpload(service.url, ns, 'c3-sensor-1-4-0', token, filesFromBuildDir(join(work, 'b140')));
    expect(result.status).toBe(201);
    const fw = await readFirmware(cluster.kubeConfig, ns, 'c3-sensor-1-4-0');
    expect(fw.status?.phase).toBe('Succeeded');
    expect(fw.status?.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([['Built', 'True', 'BuildSucceeded'], ['ArtifactsReady', 'True', 'Signed']]);
    expect(fw.status?.artifacts?.map((a) => [a.name, a.offset])).toEqual([['bootloader', 0], ['partition-table', 0x8000], ['ota-data-initial', 0xd000], ['app', 0x10000]]);
    const app = fw.status?.artifacts?.find((a) => a.name === 'app');
    expect(app).toMatchObject({ sha256: build.appSha256, url: `${service.url}/blobs/sha256/${build.appSha256}` });
    expect(fw.status?.app).toMatchObject({ projectName: 'c3-sensor', version: '1.4.0', idfVersion: 'kubeflash-demo' });
    expect(fw.status?.completionTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(await listBlobs()).toEqual([...new Set(fw.status?.artifacts?.map((a) => a.sha256))].sort());

    const key = await cluster.kubeConfig.makeApiClient(CoreV1Api).readNamespacedSecret({ name: 'kubeflash-firmware-signing-key', namespace: ns });
    writeFileSync(join(work, 'ota_pubkey.der'), Buffer.from(key.data?.['ota_pubkey.der'] ?? '', 'base64'));
    expect(spawnSync('openssl', ['pkey', '-pubin', '-inform', 'DER', '-in', join(work, 'ota_pubkey.der'), '-out', join(work, 'pub.pem')]).status).toBe(0);
    const downloaded = await get(`/blobs/sha256/${app?.sha256}`);
    writeFileSync(join(work, 'app.bin'), downloaded.body);
    writeFileSync(join(work, 'app.sig'), Buffer.from(fw.status?.signature?.value ?? '', 'base64'));
    const verify = spawnSync('openssl', ['dgst', '-sha256', '-verify', join(work, 'pub.pem'), '-signature', join(work, 'app.sig'), join(work, 'app.bin')], { encoding: 'utf8' });
    expect(verify.stdout.trim()).toBe('Verified OK');
    expect(fw.status?.signature?.keyId).toBe(key.metadata?.annotations?.['kubeflash.dev/key-id']);

    const again = await postUpload(service.url, ns, 'c3-sensor-1-4-0', token, filesFromBuildDir(join(work, 'b140')));
    expect(again.status).toBe(401);
  });

  it('serves blobs with Content-Length, ETag, If-None-Match, single ranges (206/416) and If-Range', async () => {
    const fw = await readFirmware(cluster.kubeConfig, ns, 'c3-sensor-1-4-0');
    const app = fw.status?.artifacts?.find((a) => a.name === 'app');
    const path = `/blobs/sha256/${app?.sha256}`;
    const whole = await get(path);
    expect(whole.status).toBe(200);
    expect(whole.headers).toMatchObject({ etag: `"${app?.sha256}"`, 'content-length': String(app?.size), 'accept-ranges': 'bytes', 'cache-control': 'public, max-age=31536000, immutable' });
    const head = await get(path, {}, 'HEAD');
    expect([head.status, head.body.length, head.headers['content-length']]).toEqual([200, 0, String(app?.size)]);
    expect((await get(path, { 'If-None-Match': `"${app?.sha256}"` })).status).toBe(304);
    const part = await get(path, { Range: 'bytes=1000-4999' });
    expect([part.status, part.headers['content-range'], part.body.equals(whole.body.subarray(1000, 5000))]).toEqual([206, `bytes 1000-4999/${app?.size}`, true]);
    const suffix = await get(path, { Range: 'bytes=-100' });
    expect(suffix.body.equals(whole.body.subarray(-100))).toBe(true);
    const beyond = await get(path, { Range: `bytes=${app?.size}-` });
    expect([beyond.status, beyond.headers['content-range']]).toEqual([416, `bytes */${app?.size}`]);
    expect((await get(path, { Range: 'bytes=0-9', 'If-Range': '"other"' })).status).toBe(200);
    expect((await get(path, { Range: 'bytes=0-9', 'If-Range': `"${app?.sha256}"` })).status).toBe(206);
    expect((await get(`/blobs/sha256/${'0'.repeat(64)}`)).status).toBe(404);
  });

  it('serves manifest.json, flasher_args.json and a zip of every part for the Firmware', async () => {
    const base = `/firmware/${ns}/c3-sensor-1-4-0`;
    const manifest = JSON.parse((await get(`${base}/manifest.json`)).body.toString());
    expect(manifest).toEqual({
      name: 'c3-sensor-1-4-0',
      version: '1.4.0',
      new_install_prompt_erase: false,
      builds: [{ chipFamily: 'ESP32-C3', parts: [{ path: 'bootloader.bin', offset: 0 }, { path: 'partition-table.bin', offset: 0x8000 }, { path: 'ota-data-initial.bin', offset: 0xd000 }, { path: 'app.bin', offset: 0x10000 }] }],
    });
    const args = JSON.parse((await get(`${base}/flasher_args.json`)).body.toString());
    expect(args.flash_files).toEqual({ '0x0': 'bootloader.bin', '0x8000': 'partition-table.bin', '0xd000': 'ota-data-initial.bin', '0x10000': 'app.bin' });
    const zip = await get(`${base}/c3-sensor-1-4-0.zip`);
    writeFileSync(join(work, 'fw.zip'), zip.body);
    const tested = spawnSync('unzip', ['-t', join(work, 'fw.zip')], { encoding: 'utf8' });
    expect(tested.stdout).toContain('No errors detected in compressed data');
    const listing = spawnSync('unzip', ['-Z', '-l', join(work, 'fw.zip')], { encoding: 'utf8' });
    const fw = await readFirmware(cluster.kubeConfig, ns, 'c3-sensor-1-4-0');
    for (const a of fw.status?.artifacts ?? []) expect(listing.stdout).toMatch(new RegExp(`\\s${a.size}\\s.*c3-sensor-1-4-0/${a.name}\\.bin`));
    expect(listing.stdout).toContain('c3-sensor-1-4-0/manifest.json');
    const img = await get(`${base}/app.bin`, { Range: 'bytes=0-0' });
    expect([img.status, img.body[0]]).toEqual([206, 0xe9]);
    expect(JSON.parse((await get(`${base}/nope.bin`)).body.toString()).message).toBe('Firmware ' + ns + '/c3-sensor-1-4-0 has no file nope.bin (it has: bootloader.bin, partition-table.bin, ota-data-initial.bin, app.bin, manifest.json, flasher_args.json, c3-sensor-1-4-0.zip)');
  });
});

describe('rejected uploads change nothing', () => {
  async function rawUpload(body: Uint8Array, token: string): Promise<{ status: number; message: string }> {
    const response = await fetch(`${service.url}/firmware/${ns}/c3-sensor-1-5-0/upload`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body });
    return { status: response.status, message: ((await response.json()) as { message: string }).message };
  }
  async function tarOf(dir: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of writeTar(filesFromBuildDir(dir).files)) chunks.push(Buffer.from(c));
    return Buffer.concat(chunks);
  }

  it.each([
    ['a truncated upload', async () => (await tarOf(join(work, 'b150'))).subarray(0, 100_000), 400, 'the upload is not a complete tar archive: truncated: the upload ends inside "c3-sensor.bin"'],
    ['a wrong-version build', async () => tarOf((writeDemoBuild(join(work, 'b150-wrong'), { chip: 'esp32c3', version: '1.4.9', projectName: 'c3-sensor' }), join(work, 'b150-wrong'))), 422, 'app image c3-sensor.bin has version "1.4.9" in its app description, but Firmware c3-sensor-1-5-0 has spec.version "1.5.0"'],
    ['a build for another chip', async () => tarOf((writeDemoBuild(join(work, 'b150-s3'), { chip: 'esp32s3', version: '1.5.0', projectName: 'c3-sensor' }), join(work, 'b150-s3'))), 422, 'app image c3-sensor.bin is built for esp32s3, but DeviceClass c3-sensor is esp32c3'],
  ])('%s is refused with its reason in the answer and in status', async (_case, body, status, message) => {
    writeDemoBuild(join(work, 'b150'), { chip: 'esp32c3', version: '1.5.0', projectName: 'c3-sensor' });
    const before = await listBlobs();
    const answer = await rawUpload(await body(), await uploadToken(cluster.kubeConfig, ns, 'c3-sensor-1-5-0'));
    expect(answer.status).toBe(status);
    expect(answer.message).toContain(message);
    const fw = await readFirmware(cluster.kubeConfig, ns, 'c3-sensor-1-5-0');
    expect(fw.status).toMatchObject({ phase: 'Failed', message: `upload rejected: ${answer.message}` });
    expect(fw.status?.conditions?.find((c) => c.type === 'Built')?.reason).toBe('ImageInvalid');
    expect(fw.status?.artifacts).toBeUndefined();
    expect(await listBlobs()).toEqual(before);
    expect(readdirSync(store.stagingDir)).toEqual([]);
  });

  it('an oversized image is refused as soon as its header says so', async () => {
    const small = await startArtifactService({ kubeConfig: cluster.kubeConfig, store, urlKey, builder: DEFAULT_BUILDER_SETTINGS, namespace: ns, limits: { maxFileBytes: 64 * 1024 } });
    try {
      const result = await postUpload(small.url, ns, 'c3-sensor-1-5-0', await uploadToken(cluster.kubeConfig, ns, 'c3-sensor-1-5-0'), filesFromBuildDir(join(work, 'b150')));
      expect(result.status).toBe(413);
      expect(result.body.message).toMatch(/^c3-sensor\.bin is \d+ bytes, larger than the 65536 bytes an image may have$/);
    } finally {
      await small.stop();
    }
  });

  it('a client that disconnects mid-upload leaves no blob and no staging file', async () => {
    const before = await listBlobs();
    const token = await uploadToken(cluster.kubeConfig, ns, 'c3-sensor-1-5-0');
    const archive = await tarOf(join(work, 'b150'));
    await new Promise<void>((resolve) => {
      const req = request(`${service.url}/firmware/${ns}/c3-sensor-1-5-0/upload`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Transfer-Encoding': 'chunked' } });
      req.on('error', () => resolve());
      req.write(archive.subarray(0, 150_000));
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 300);
    });
    await eventually(() => (readdirSync(store.stagingDir).length === 0 ? true : undefined), 'the staging folder emptied');
    expect(await listBlobs()).toEqual(before);
  });
  it('a service restarted mid-upload leaves no partial blob visible and the Firmware unchanged', async () => {
    const before = await listBlobs();
    const statusBefore = (await readFirmware(cluster.kubeConfig, ns, 'c3-sensor-1-5-0')).status;
    const token = await uploadToken(cluster.kubeConfig, ns, 'c3-sensor-1-5-0');
    const archive = await tarOf(join(work, 'b150'));
    const req = request(`${service.url}/firmware/${ns}/c3-sensor-1-5-0/upload`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Transfer-Encoding': 'chunked' } });
    req.on('error', () => undefined);
    req.write(archive.subarray(0, 200_000));
    await eventually(() => (readdirSync(store.stagingDir).length > 0 ? true : undefined), 'the upload staging');
    await service.stop();
    req.destroy();
    const reopened = await openFileSystemStore(join(work, 'store'));
    store = reopened.store;
    service = await startArtifactService({ kubeConfig: cluster.kubeConfig, store, urlKey, builder: DEFAULT_BUILDER_SETTINGS, namespace: ns, logger: createLogger({ format: LogFormat.Text, write: (line) => logs.push(line) }) });
    expect(readdirSync(store.stagingDir)).toEqual([]);
    expect(await listBlobs()).toEqual(before);
    expect((await readFirmware(cluster.kubeConfig, ns, 'c3-sensor-1-5-0')).status).toEqual(statusBefore);
  });
});

describe('per-device links', () => {
  beforeAll(async () => {
    await create(cluster.kubeConfig, ns, 'devices', { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'Device', metadata: { name: 'vault-1' }, spec: { deviceClassRef: { name: 'c3-sensor' }, devicesClusterRef: { name: 'home' } } });
    await cluster.kubeConfig.makeApiClient(CoreV1Api).createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'vault-1-config' }, data: { 'config.bin': Buffer.from('CONFIG').toString('base64'), 'nvs_keys.bin': Buffer.from('KEYS').toString('base64') } } });
  });
  const link = (file: string, expires: Date, device = `${ns}/vault-1`) => {
    const path = `/devices/${ns}/vault-1/${file}`;
    return `${path}?${signPath(urlKey, path, device, expires)}`;
  };

  it('serves config.bin and nvs_keys.bin through a signed link, private and uncached', async () => {
    const later = new Date(Date.now() + 60_000);
    const config = await get(link('config.bin', later));
    expect([config.status, config.body.toString(), config.headers['cache-control']]).toEqual([200, 'CONFIG', 'private, no-store']);
    expect((await get(link('nvs_keys.bin', later))).body.toString()).toBe('KEYS');
  });

  it('refuses expired, forged, foreign and unsigned links with 403 and logs them without the signature', async () => {
    const expired = link('config.bin', new Date(Date.now() - 1000));
    expect(await get(expired)).toMatchObject({ status: 403 });
    expect(JSON.parse((await get(expired)).body.toString()).message).toBe('this link has expired: ask for a new one');
    const good = link('config.bin', new Date(Date.now() + 60_000));
    const forged = good.replace(/sig=([A-Za-z0-9_-])/, (_m, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`);
    expect((await get(forged)).status).toBe(403);
    expect((await get(link('config.bin', new Date(Date.now() + 60_000), `${ns}/other`))).status).toBe(403);
    expect((await get(`/devices/${ns}/vault-1/config.bin`)).status).toBe(403);
    expect((await get(good.replace('config.bin?', 'nvs_keys.bin?'))).status).toBe(403);
    const sig = new URL(good, 'http://x').searchParams.get('sig') ?? '';
    expect(logs.some((l) => l.includes(`signed URL refused for /devices/${ns}/vault-1/config.bin: expired`))).toBe(true);
    expect(logs.join('\n')).not.toContain(sig);
  });

  it('serves an OTA link to a public blob when its signature is valid, and refuses it expired or forged', async () => {
    const app = (await readFirmware(cluster.kubeConfig, ns, 'c3-sensor-1-4-0')).status?.artifacts?.find((a) => a.name === 'app');
    const path = `/blobs/sha256/${app?.sha256}`;
    const ota = (expires: Date) => `${path}?${signPath(urlKey, path, `${ns}/vault-1`, expires)}`;
    const served = await get(ota(new Date(Date.now() + 60_000)), { Range: 'bytes=0-0' });
    expect([served.status, served.body[0]]).toEqual([206, 0xe9]);
    expect((await get(ota(new Date(Date.now() - 1000)))).status).toBe(403);
    const forged = ota(new Date(Date.now() + 60_000)).replace(/sig=([A-Za-z0-9_-])/, (_m, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`);
    expect(JSON.parse((await get(forged)).body.toString()).message).toBe('this link is not valid');
  });

  it('serves a flash script with real URLs: images by content address, config and keys through signed links', async () => {
    const url = signedFlashScriptUrl(urlKey, service.url, ns, 'vault-1', new Date(Date.now() + 60_000));
    const script = await get(url.slice(service.url.length) + '&firmware=c3-sensor-1-4-0');
    expect(script.status).toBe(200);
    const text = script.body.toString();
    const fw = await readFirmware(cluster.kubeConfig, ns, 'c3-sensor-1-4-0');
    for (const a of fw.status?.artifacts ?? []) expect(text).toContain(`${service.url}/blobs/sha256/${a.sha256}`);
    expect(text).toMatch(new RegExp(`curl -fsSL --retry 3 -o "\\$WORK/config.bin" '${service.url}/devices/${ns}/vault-1/config.bin\\?device=`));
    expect(text).toContain(`/devices/${ns}/vault-1/nvs_keys.bin?device=`);
    expect(text).toContain('0xf000 "$WORK/nvs_keys.bin"');
  });
});

describe('deleting a Firmware', () => {
  it('removes its artifacts (finalizer), keeps the blobs other Firmware use, and garbage collection keeps referenced blobs', async () => {
    expect((await service.collectGarbage()).deleted).toEqual([]);
    const before = await listBlobs();
    expect(before.length).toBeGreaterThan(0);
    await cluster.kubeConfig.makeApiClient(CustomObjectsApi).deleteNamespacedCustomObject({ group: 'kubeflash.dev', version: 'v1alpha1', namespace: ns, plural: 'firmwares', name: 'c3-sensor-1-4-0' });
    await eventually(async () => {
      try {
        await readFirmware(cluster.kubeConfig, ns, 'c3-sensor-1-4-0');
        return undefined;
      } catch {
        return true;
      }
    }, 'the Firmware gone');
    expect(await listBlobs()).toEqual([]);
  });
});
