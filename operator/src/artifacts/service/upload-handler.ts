import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiException } from '@kubernetes/client-node';
import { FirmwarePhase, FirmwareReason, type Firmware, type FirmwareArtifact } from '@kubeflash/api';
import { phaseEvent, statusFor, type BuildResult, type PhaseChange } from '../../controllers/firmware/status';
import { ensureSigningKey } from '../signing-store';
import { signFile } from '../signing';
import { discardStaged, stageStream } from '../store/staging';
import { BlobTooLargeError, type StagedBlob } from '../store/types';
import { TarFormatError, readTar } from '../upload/tar';
import { consumeUploadToken } from '../upload/token';
import { validateUpload, type UploadTarget } from '../upload/validate';
import { HttpError, blobUrl, sendJson, type ServiceContext } from './context';

/** The manifest every upload carries at its root. */
export const UPLOAD_MANIFEST = 'flasher_args.json';
const MAX_MANIFEST_BYTES = 64 * 1024;

/** An upload the service refuses for its content: the message goes to status and to the client. */
class UploadRejected extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readSmall(body: AsyncIterable<Uint8Array>, limit: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of body) {
    size += c.length;
    if (size > limit) throw new UploadRejected(413, `${what} is larger than ${limit} bytes`);
    chunks.push(Buffer.from(c));
  }
  return Buffer.concat(chunks);
}

/** Receives the tar body: the manifest in memory, every other file staged (hashed, size-limited). */
async function receive(ctx: ServiceContext, req: IncomingMessage): Promise<{ manifest: unknown; files: Map<string, StagedBlob> }> {
  const files = new Map<string, StagedBlob>();
  let manifest: unknown;
  let total = 0;
  try {
    for await (const entry of readTar(req)) {
      if (files.size >= ctx.limits.maxFiles) throw new UploadRejected(413, `the upload has more than ${ctx.limits.maxFiles} files`);
      total += entry.size;
      if (total > ctx.limits.maxUploadBytes) throw new UploadRejected(413, `the upload is larger than ${ctx.limits.maxUploadBytes} bytes`);
      if (entry.size > ctx.limits.maxFileBytes) throw new UploadRejected(413, `${entry.name} is ${entry.size} bytes, larger than the ${ctx.limits.maxFileBytes} bytes an image may have`);
      if (entry.name === UPLOAD_MANIFEST) {
        const text = await readSmall(entry.body, MAX_MANIFEST_BYTES, UPLOAD_MANIFEST);
        try {
          manifest = JSON.parse(text.toString('utf8'));
        } catch (err) {
          throw new UploadRejected(422, `${UPLOAD_MANIFEST} is not valid JSON: ${(err as Error).message}`);
        }
        continue;
      }
      files.set(entry.name, await stageStream(entry.body, ctx.store.stagingDir, ctx.limits.maxFileBytes, entry.name));
    }
  } catch (err) {
    await Promise.all([...files.values()].map(discardStaged));
    if (err instanceof TarFormatError) throw new UploadRejected(400, `the upload is not a complete tar archive: ${err.message}`);
    if (err instanceof BlobTooLargeError) throw new UploadRejected(413, err.message);
    throw err;
  }
  if (manifest === undefined) {
    await Promise.all([...files.values()].map(discardStaged));
    throw new UploadRejected(422, `the upload has no ${UPLOAD_MANIFEST} at its root (upload an ESP-IDF build folder: kubeflash firmware upload --build-dir)`);
  }
  return { manifest, files };
}

/** Writes `change` (and the build result) into the Firmware's status, retrying when the Firmware changed meanwhile at the same generation. */
async function writeStatus(ctx: ServiceContext, firmware: Firmware, change: PhaseChange, result?: BuildResult): Promise<void> {
  let current = firmware;
  for (let attempt = 0; ; attempt++) {
    try {
      await ctx.api.replaceStatus(current, statusFor(current, change, ctx.now(), result ? { result } : {}));
      await ctx.api.event(current, phaseEvent(change), ctx.now());
      return;
    } catch (err) {
      if (!(err instanceof ApiException && err.code === 409) || attempt >= 4) throw err;
      const fresh = await ctx.api.get(current.metadata.namespace ?? '', current.metadata.name ?? '');
      if (!fresh || fresh.metadata.generation !== firmware.metadata.generation) throw new HttpError(409, `Firmware ${firmware.metadata.namespace}/${firmware.metadata.name} changed during the upload; upload again`);
      current = fresh;
    }
  }
}

/**
 * POST `/firmware/<namespace>/<name>/upload` with `Authorization: Bearer <one-time token>` and a tar body (an
 * ESP-IDF build folder: flasher_args.json and the images it lists). All or nothing: the build is validated,
 * the app signed, the images stored, then status says Succeeded; any rejection stores nothing, and its message
 * goes to status (Failed, ImageInvalid) and to the answer.
 */
export async function handleUpload(ctx: ServiceContext, req: IncomingMessage, res: ServerResponse, namespace: string, name: string): Promise<void> {
  const firmware = await ctx.api.get(namespace, name);
  if (!firmware || firmware.metadata.deletionTimestamp) throw new HttpError(404, `Firmware ${namespace}/${name} does not exist`);
  const generation = firmware.metadata.generation ?? 1;
  const auth = req.headers.authorization;
  const token = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length).trim() : undefined;
  const verdict = await consumeUploadToken(ctx.core, namespace, name, generation, token);
  if (!verdict.ok) {
    ctx.log(`artifacts: upload to Firmware ${namespace}/${name} refused (401): ${verdict.message}`);
    throw new HttpError(401, verdict.message);
  }
  if (firmware.status?.observedGeneration === generation && firmware.status.phase === FirmwarePhase.Succeeded) {
    throw new HttpError(409, `Firmware ${namespace}/${name} already has verified artifacts for generation ${generation}; change its spec (e.g. spec.buildRequest) to upload again`);
  }
  const deviceClass = ctx.classes.get(namespace, firmware.spec.deviceClassRef.name);
  if (!deviceClass) throw new HttpError(422, `DeviceClass ${namespace}/${firmware.spec.deviceClassRef.name} of Firmware ${name} does not exist`);

  let received: { manifest: unknown; files: Map<string, StagedBlob> } | undefined;
  try {
    received = await receive(ctx, req);
    const target: UploadTarget = {
      firmware: name,
      deviceClass: deviceClass.metadata.name ?? '',
      chip: deviceClass.spec.chip,
      version: firmware.spec.version,
      configLabel: deviceClass.spec.partitions?.config?.label ?? 'config',
      configSize: deviceClass.spec.partitions?.config?.size ?? 0x6000,
      encrypted: deviceClass.spec.encryption === 'nvs',
    };
    const checked = await validateUpload(target, received.manifest, received.files);
    if (!checked.ok) throw new UploadRejected(422, checked.message);
    const key = await ensureSigningKey(ctx.core, namespace);
    const signature = await signFile(key, checked.appPart.staged.path);
    const artifacts: FirmwareArtifact[] = [];
    for (const part of checked.parts) {
      const blob = await ctx.store.commit(part.staged);
      received.files.delete(part.file);
      artifacts.push({ name: part.name, offset: part.offset, size: blob.size, sha256: blob.sha256, url: blobUrl(ctx.publicUrl, blob.sha256) });
    }
    artifacts.sort((a, b) => a.offset - b.offset);
    await writeStatus(
      ctx,
      firmware,
      { phase: FirmwarePhase.Succeeded, builtReason: FirmwareReason.BuildSucceeded, message: `${artifacts.length} images uploaded, verified and signed (app ${checked.app.projectName} ${checked.app.version})` },
      { artifacts, app: checked.app, signature },
    );
    ctx.log(`artifacts: Firmware ${namespace}/${name} generation ${generation}: ${artifacts.length} images stored, app signed with key ${key.keyId.slice(0, 12)}`);
    sendJson(res, 201, { firmware: `${namespace}/${name}`, generation, artifacts, signature, app: checked.app });
  } catch (err) {
    if (!(err instanceof UploadRejected)) throw err;
    ctx.log(`artifacts: upload to Firmware ${namespace}/${name} rejected (${err.status}): ${err.message}`);
    await writeStatus(ctx, firmware, { phase: FirmwarePhase.Failed, builtReason: FirmwareReason.ImageInvalid, message: `upload rejected: ${err.message}` }).catch((e: unknown) =>
      ctx.log(`artifacts: cannot record the rejection in Firmware ${namespace}/${name}: ${e instanceof Error ? e.message : String(e)}`),
    );
    throw new HttpError(err.status, err.message);
  } finally {
    if (received) await Promise.all([...received.files.values()].map(discardStaged));
  }
}
