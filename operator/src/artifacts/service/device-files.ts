import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiException } from '@kubernetes/client-node';
import { parsePartitionTableBinary } from '@kubeflash/esp';
import { devicePartitions, generateFlashScript } from '@kubeflash/flasher';
import { DeviceResource, GROUP, VERSION, type Device, type Firmware } from '@kubeflash/api';
import { CONFIG_BIN_KEY, NVS_KEYS_KEY, configSecretName } from '../../config/secret';
import { signedUrl, verifySignedPath } from '../signed-url';
import { HttpError, blobUrl, sendSmall, type ServiceContext } from './context';
import { artifactFile, succeededFirmware } from './firmware-files';

/** Per-device files, served only through signed URLs. */
export const DEVICE_FILES = ['flash.sh', 'config.bin', 'nvs_keys.bin'] as const;

/** Path of a per-device file. */
export function devicePath(namespace: string, name: string, file: (typeof DEVICE_FILES)[number]): string {
  return `/devices/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/${file}`;
}

/** A signed link to a device's flash script (what `kubeflash flash-script --link` prints). */
export function signedFlashScriptUrl(urlKey: Uint8Array, publicUrl: string, namespace: string, name: string, expiresAt: Date): string {
  return signedUrl(urlKey, publicUrl, devicePath(namespace, name, 'flash.sh'), `${namespace}/${name}`, expiresAt);
}

async function readDevice(ctx: ServiceContext, namespace: string, name: string): Promise<Device> {
  try {
    return (await ctx.custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: DeviceResource.plural, name })) as Device;
  } catch (err) {
    if (err instanceof ApiException && err.code === 404) throw new HttpError(404, `Device ${namespace}/${name} does not exist`);
    throw err;
  }
}

async function deviceSecretFile(ctx: ServiceContext, device: Device, key: string): Promise<Uint8Array> {
  const namespace = device.metadata.namespace ?? '';
  const secretName = device.status?.config?.secretName ?? configSecretName(device.metadata.name ?? '');
  let data: Record<string, string> | undefined;
  try {
    data = (await ctx.core.readNamespacedSecret({ name: secretName, namespace })).data;
  } catch (err) {
    if (!(err instanceof ApiException && err.code === 404)) throw err;
  }
  const value = data?.[key];
  if (!value) throw new HttpError(409, `Device ${namespace}/${device.metadata.name} has no ${key} yet (see its ConfigReady condition)`);
  return new Uint8Array(Buffer.from(value, 'base64'));
}

async function readBlob(ctx: ServiceContext, sha256: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await ctx.store.read(sha256)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** The flash script of a device: images from the store by content address, config and keys through signed URLs. */
async function flashScript(ctx: ServiceContext, device: Device, expiresAt: Date, query: URLSearchParams): Promise<string> {
  const namespace = device.metadata.namespace ?? '';
  const name = device.metadata.name ?? '';
  const deviceClass = ctx.classes.get(namespace, device.spec.deviceClassRef.name);
  if (!deviceClass) throw new HttpError(409, `DeviceClass ${namespace}/${device.spec.deviceClassRef.name} of Device ${name} does not exist`);
  const firmwareName = query.get('firmware') ?? deviceClass.status?.firmware?.name;
  if (!firmwareName) throw new HttpError(409, `DeviceClass ${deviceClass.metadata.name} has no current Firmware (spec.firmware.version)`);
  const firmware: Firmware = succeededFirmware(ctx, namespace, firmwareName);
  if (firmware.spec.deviceClassRef.name !== deviceClass.metadata.name) throw new HttpError(409, `Firmware ${firmwareName} is built for DeviceClass ${firmware.spec.deviceClassRef.name}, not ${deviceClass.metadata.name}`);
  const artifacts = firmware.status?.artifacts ?? [];
  const parts = artifacts.map((a) => ({ name: a.name, file: artifactFile(a.name), offset: a.offset, size: a.size, sha256: a.sha256, url: blobUrl(ctx.publicUrl, a.sha256) }));
  let config;
  if (query.get('firmware-only') === null) {
    const table = artifacts.find((a) => a.name === 'partition-table');
    if (!table) throw new HttpError(409, `Firmware ${firmwareName} has no partition table, so the config partition cannot be located`);
    const encrypted = deviceClass.spec.encryption === 'nvs';
    let partitions;
    try {
      partitions = devicePartitions(parsePartitionTableBinary(await readBlob(ctx, table.sha256)), deviceClass.spec.partitions?.config?.label ?? 'config', encrypted, `Firmware ${firmwareName}`);
    } catch (err) {
      throw new HttpError(409, (err as Error).message);
    }
    const link = (file: 'config.bin' | 'nvs_keys.bin') => signedUrl(ctx.urlKey, ctx.publicUrl, devicePath(namespace, name, file), `${namespace}/${name}`, expiresAt);
    config = { ...partitions.config, source: { kind: 'url' as const, configUrl: link('config.bin'), ...(encrypted ? { nvsKeysUrl: link('nvs_keys.bin') } : {}) }, nvsKeys: partitions.nvsKeys };
  }
  return generateFlashScript({
    device: { namespace, name },
    chip: deviceClass.spec.chip,
    firmware: { name: firmwareName, version: firmware.spec.version, parts },
    config,
    generator: `the kubeflash artifact service (${ctx.publicUrl})`,
  });
}

/** GET/HEAD `/devices/<namespace>/<name>/<file>?device=&expires=&sig=`: per-device material, signed URLs only. */
export async function serveDeviceFile(ctx: ServiceContext, req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, namespace: string, name: string, file: string): Promise<void> {
  const verdict = verifySignedPath(ctx.urlKey, path, query, ctx.now());
  if (!verdict.ok || verdict.device !== `${namespace}/${name}`) {
    ctx.log(`artifacts: signed URL refused for ${path}: ${verdict.ok ? 'signed for another device' : verdict.reason}`);
    throw new HttpError(403, verdict.ok || verdict.reason === 'forged' || verdict.reason === 'malformed' ? 'this link is not valid' : verdict.reason === 'expired' ? 'this link has expired: ask for a new one' : 'this file is served only through a signed link');
  }
  if (!(DEVICE_FILES as readonly string[]).includes(file)) throw new HttpError(404, `Device ${namespace}/${name} has no file ${file} (it has: ${DEVICE_FILES.join(', ')})`);
  const device = await readDevice(ctx, namespace, name);
  const expiresAt = new Date(Number(query.get('expires')) * 1000);
  const privateHeaders = { 'Cache-Control': 'private, no-store' };
  if (file === 'flash.sh') {
    const script = await flashScript(ctx, device, expiresAt, query);
    sendSmall(req, res, script, 'text/x-shellscript; charset=utf-8', `"${createHash('sha256').update(script).digest('hex')}"`, { ...privateHeaders, 'Content-Disposition': `attachment; filename="flash-${name}.sh"` });
    return;
  }
  const bytes = await deviceSecretFile(ctx, device, file === 'config.bin' ? CONFIG_BIN_KEY : NVS_KEYS_KEY);
  sendSmall(req, res, bytes, 'application/octet-stream', `"${createHash('sha256').update(bytes).digest('hex')}"`, { ...privateHeaders, 'Content-Disposition': `attachment; filename="${file}"` });
}
