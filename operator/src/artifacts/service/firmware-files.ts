import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { FirmwarePhase, type Firmware, type FirmwareArtifact } from '@kubeflash/api';
import { flasherArgsJson, webToolsManifest, type BuildPart } from '@kubeflash/flasher';
import { serveBlob } from '../http/serve-blob';
import { writeZip } from '../http/zip';
import { HttpError, sendSmall, type ServiceContext } from './context';

/** File name of an artifact in downloads, manifests and scripts. */
export const artifactFile = (name: string): string => `${name}.bin`;

/** The Succeeded Firmware `namespace/name`, or a 404/409 that says why not. */
export function succeededFirmware(ctx: ServiceContext, namespace: string, name: string): Firmware & { status: { artifacts: FirmwareArtifact[] } } {
  const firmware = ctx.firmwares.get(namespace, name);
  if (!firmware) throw new HttpError(404, `Firmware ${namespace}/${name} does not exist`);
  const status = firmware.status;
  if (!status || status.phase !== FirmwarePhase.Succeeded || status.observedGeneration !== firmware.metadata.generation || !status.artifacts?.length) {
    throw new HttpError(409, `Firmware ${namespace}/${name} has no artifacts yet (phase ${status?.phase ?? 'Pending'})`);
  }
  return firmware as Firmware & { status: { artifacts: FirmwareArtifact[] } };
}

/** The parts of a Succeeded Firmware as manifests name them. */
export function buildParts(firmware: Firmware): BuildPart[] {
  return (firmware.status?.artifacts ?? []).map((a) => ({ name: a.name, offset: a.offset, file: artifactFile(a.name) }));
}

function chipOf(ctx: ServiceContext, firmware: Firmware): string {
  const cls = ctx.classes.get(firmware.metadata.namespace, firmware.spec.deviceClassRef.name);
  if (!cls) throw new HttpError(409, `DeviceClass ${firmware.metadata.namespace}/${firmware.spec.deviceClassRef.name} of Firmware ${firmware.metadata.name} does not exist`);
  return cls.spec.chip;
}

const etagOf = (text: string): string => `"${createHash('sha256').update(text).digest('hex')}"`;

/**
 * GET/HEAD `/firmware/<namespace>/<name>/<file>`: an image (`<artifact>.bin`), `manifest.json` (esp-web-tools),
 * `flasher_args.json` (ESP-IDF) or `<name>.zip` (all of them). Firmware files are public, as their blobs are.
 */
export async function serveFirmwareFile(ctx: ServiceContext, req: IncomingMessage, res: ServerResponse, namespace: string, name: string, file: string): Promise<void> {
  const firmware = succeededFirmware(ctx, namespace, name);
  const parts = buildParts(firmware);
  if (file === 'manifest.json') {
    const text = `${JSON.stringify(webToolsManifest({ name, version: firmware.spec.version, chip: chipOf(ctx, firmware), parts }), null, 2)}\n`;
    sendSmall(req, res, text, 'application/json', etagOf(text));
    return;
  }
  if (file === 'flasher_args.json') {
    const text = `${JSON.stringify(flasherArgsJson({ chip: chipOf(ctx, firmware), parts }), null, 2)}\n`;
    sendSmall(req, res, text, 'application/json', etagOf(text));
    return;
  }
  if (file === `${name}.zip`) {
    const manifest = `${JSON.stringify(webToolsManifest({ name, version: firmware.spec.version, chip: chipOf(ctx, firmware), parts }), null, 2)}\n`;
    const args = `${JSON.stringify(flasherArgsJson({ chip: chipOf(ctx, firmware), parts }), null, 2)}\n`;
    const entries = [
      ...firmware.status.artifacts.map((a) => ({ name: `${name}/${artifactFile(a.name)}`, data: () => ctx.store.read(a.sha256) })),
      { name: `${name}/manifest.json`, data: () => Readable.from([Buffer.from(manifest)]) },
      { name: `${name}/flasher_args.json`, data: () => Readable.from([Buffer.from(args)]) },
    ];
    res.writeHead(200, { 'Content-Type': 'application/zip', 'Content-Disposition': `attachment; filename="${name}.zip"`, 'Cache-Control': 'no-cache' });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    await pipeline(Readable.from(writeZip(entries)), res);
    return;
  }
  const artifact = firmware.status.artifacts.find((a) => artifactFile(a.name) === file);
  if (!artifact) throw new HttpError(404, `Firmware ${namespace}/${name} has no file ${file} (it has: ${[...parts.map((p) => p.file), 'manifest.json', 'flasher_args.json', `${name}.zip`].join(', ')})`);
  const blob = await ctx.store.stat(artifact.sha256);
  if (!blob) throw new HttpError(410, `the ${artifact.name} image of Firmware ${namespace}/${name} (sha256 ${artifact.sha256}) is no longer stored`);
  await serveBlob(req, res, ctx.store, blob, { contentType: 'application/octet-stream', fileName: file, immutable: false });
}
