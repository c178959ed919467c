import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { readAppImageInfoNode } from '@kubeflash/esp/node';
import { readFirmwareManifest } from '@kubeflash/flasher';
import { UPLOAD_MANIFEST } from './service/upload-handler';
import { writeTar, type TarInput } from './upload/tar';

/**
 * The client side of uploads: what to send from an ESP-IDF build folder, a flasher_args.json, or a single app
 * image, and the upload request itself. Used by `kubeflash firmware upload` (a person, CI, or the build Job).
 */

/** A problem with the local files, worded for a person. */
export class UploadInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UploadInputError';
  }
}

/** The files of an upload: flasher_args.json (as given or made) and the images it lists, by path in the archive. */
export interface UploadFiles {
  files: TarInput[];
  /** Images and their offsets, for the summary line. */
  images: { path: string; offset: number; size: number }[];
}

function parseJsonFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UploadInputError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
}

/** The upload of a build described by `flasherArgsFile` (ESP-IDF writes it into the build folder). */
export function filesFromManifest(flasherArgsFile: string): UploadFiles {
  const file = resolve(flasherArgsFile);
  if (!existsSync(file)) throw new UploadInputError(`${file} does not exist`);
  const json = parseJsonFile(file);
  let manifest;
  try {
    manifest = readFirmwareManifest(json);
  } catch (err) {
    throw new UploadInputError(`${file}: ${(err as Error).message}`);
  }
  const dir = dirname(file);
  const images = manifest.parts.map((p) => {
    const path = resolve(dir, p.path);
    const inside = relative(dir, path);
    if (inside.startsWith('..')) throw new UploadInputError(`${file} lists ${p.path}, which is outside ${dir}`);
    if (!existsSync(path)) throw new UploadInputError(`${file} lists ${p.path}, which is not in ${dir} (is the build complete?)`);
    return { path: inside, offset: p.offset, size: statSync(path).size, absolute: path };
  });
  return {
    files: [{ name: UPLOAD_MANIFEST, data: readFileSync(file) }, ...images.map((i) => ({ name: i.path, path: i.absolute }))],
    images: images.map(({ path, offset, size }) => ({ path, offset, size })),
  };
}

/** The upload of an ESP-IDF build folder (it holds flasher_args.json). */
export function filesFromBuildDir(dir: string): UploadFiles {
  const file = join(resolve(dir), UPLOAD_MANIFEST);
  if (!existsSync(file)) throw new UploadInputError(`${resolve(dir)} has no ${UPLOAD_MANIFEST}: give the ESP-IDF build folder (idf.py build writes it there)`);
  return filesFromManifest(file);
}

/** The upload of a lone app image at `offset` (no bootloader or partition table: OTA only, no USB flashing). */
export function filesFromImage(image: string, offset = 0x10000): UploadFiles {
  const path = resolve(image);
  if (!existsSync(path)) throw new UploadInputError(`${path} does not exist`);
  const data = readFileSync(path);
  let chip: string | undefined;
  try {
    chip = readAppImageInfoNode(data, { verify: false }).chipName;
  } catch (err) {
    throw new UploadInputError(`${path}: ${(err as Error).message}`);
  }
  if (!chip) throw new UploadInputError(`${path}: the image header names no known chip`);
  const name = basename(path);
  const args = { flash_files: { [`0x${offset.toString(16)}`]: name }, app: { offset: `0x${offset.toString(16)}`, file: name, encrypted: 'false' }, extra_esptool_args: { chip } };
  return { files: [{ name: UPLOAD_MANIFEST, data: Buffer.from(JSON.stringify(args, null, 2)) }, { name, data }], images: [{ path: name, offset, size: data.length }] };
}

/** What the artifact service answered to an upload. */
export interface UploadResult {
  status: number;
  body: { message?: string; artifacts?: { name: string; offset: number; size: number; sha256: string; url?: string }[]; signature?: { keyId: string; value: string }; app?: { version: string; projectName: string } };
}

/** Sends an upload (a tar stream) to `<baseUrl>/firmware/<namespace>/<name>/upload`. */
export async function postUpload(baseUrl: string, namespace: string, firmware: string, token: string, files: UploadFiles): Promise<UploadResult> {
  const url = `${baseUrl.replace(/\/+$/, '')}/firmware/${encodeURIComponent(namespace)}/${encodeURIComponent(firmware)}/upload`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/x-tar' },
    body: Readable.toWeb(Readable.from(writeTar(files.files))) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  const text = await response.text();
  let body: UploadResult['body'];
  try {
    body = JSON.parse(text) as UploadResult['body'];
  } catch {
    body = { message: text.trim() || `HTTP ${response.status}` };
  }
  return { status: response.status, body };
}

/** SHA-256 of bytes, lowercase hex. */
export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
