import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ApiException, CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { FirmwarePhase, FirmwareResource, GROUP, VERSION, type Firmware } from '@kubeflash/api';
import { UploadInputError, filesFromBuildDir, filesFromImage, filesFromManifest, postUpload, sha256Hex, type UploadFiles } from '../artifacts/client';
import { newUploadToken } from '../artifacts/upload/token';
import { firmwareOwner } from '../controllers/firmware/job';
import { contextNamespace, loadKubeConfig } from '../kube/kubeconfig';
import { UsageError } from './errors';

/** Where `kubeflash dev` writes the artifact service's URL (relative to its state dir). */
export const ARTIFACTS_URL_FILE = 'artifacts.url';
const DEV_STATE_DIR = '.kubeflash/dev';

/**
 * The artifact service's base URL: `--url`, else $KUBEFLASH_ARTIFACTS_URL, else the URL `kubeflash dev` wrote
 * into .kubeflash/dev/artifacts.url of the current folder.
 */
export function resolveArtifactsUrl(option: string | undefined): string {
  const fromDev = join(DEV_STATE_DIR, ARTIFACTS_URL_FILE);
  const value = option ?? process.env.KUBEFLASH_ARTIFACTS_URL ?? (existsSync(fromDev) ? readFileSync(fromDev, 'utf8').trim() : undefined);
  if (!value) throw new UsageError(`say where the artifact service is: --url <base URL> or KUBEFLASH_ARTIFACTS_URL (kubeflash dev writes it to ${fromDev})`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`the artifact service URL must be an absolute http(s) URL, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`the artifact service URL must be http(s), got "${value}"`);
  return url.href.replace(/\/+$/, '');
}

async function readFirmware(kc: KubeConfig, namespace: string, name: string): Promise<Firmware> {
  try {
    return (await kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: FirmwareResource.plural, name })) as Firmware;
  } catch (err) {
    if (err instanceof ApiException && err.code === 404) throw new UsageError(`Firmware ${namespace}/${name} not found`);
    throw new UsageError(`cannot read Firmware ${namespace}/${name}: ${err instanceof ApiException ? `HTTP ${err.code}` : (err as Error).message}`);
  }
}

interface UploadOptions {
  namespace?: string;
  kubeconfig?: string;
  buildDir?: string;
  manifest?: string;
  image?: string;
  offset: string;
  url?: string;
  tokenFile?: string;
}

function uploadFiles(options: UploadOptions): UploadFiles {
  const given = [options.buildDir, options.manifest, options.image].filter((v) => v !== undefined);
  if (given.length !== 1) throw new UsageError('give exactly one of --build-dir <ESP-IDF build folder>, --manifest <flasher_args.json> or --image <app.bin>');
  try {
    if (options.buildDir) return filesFromBuildDir(options.buildDir);
    if (options.manifest) return filesFromManifest(options.manifest);
    const offset = Number(options.offset);
    if (!Number.isInteger(offset) || offset < 0 || offset % 0x1000 !== 0) throw new UsageError(`--offset must be a multiple of 0x1000, got "${options.offset}"`);
    return filesFromImage(options.image as string, offset);
  } catch (err) {
    if (err instanceof UploadInputError) throw new UsageError(err.message);
    throw err;
  }
}

async function runUpload(name: string, options: UploadOptions): Promise<void> {
  const files = uploadFiles(options);
  const url = resolveArtifactsUrl(options.url);
  let namespace = options.namespace;
  let token: string;
  if (options.tokenFile || process.env.KUBEFLASH_UPLOAD_TOKEN) {
    // A build Job's upload step: the token was made for it; no cluster access needed.
    token = options.tokenFile ? readFileSync(resolve(options.tokenFile), 'utf8').trim() : (process.env.KUBEFLASH_UPLOAD_TOKEN ?? '');
    if (!namespace) throw new UsageError('--namespace is required with an upload token');
  } else {
    // A person or CI with cluster access: a one-time token in a Secret owned by the Firmware.
    let kc: KubeConfig;
    try {
      kc = loadKubeConfig(options.kubeconfig);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    namespace ??= contextNamespace(kc);
    const firmware = await readFirmware(kc, namespace, name);
    const made = newUploadToken(namespace, name, firmware.metadata.generation ?? 1, firmwareOwner(firmware));
    try {
      await kc.makeApiClient(CoreV1Api).createNamespacedSecret({ namespace, body: made.secret });
    } catch (err) {
      throw new UsageError(`cannot create the upload token Secret in namespace ${namespace}: ${err instanceof ApiException ? `HTTP ${err.code}` : (err as Error).message}`);
    }
    token = made.token;
  }
  const total = files.images.reduce((n, i) => n + i.size, 0);
  process.stderr.write(`uploading ${files.images.length} image(s), ${Math.ceil(total / 1024)} KiB, to ${url} for Firmware ${namespace}/${name}...\n`);
  let result;
  try {
    result = await postUpload(url, namespace, name, token, files);
  } catch (err) {
    throw new Error(`cannot reach the artifact service at ${url}: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`);
  }
  if (result.status !== 201) throw new Error(`upload refused (HTTP ${result.status}): ${result.body.message ?? 'no reason given'}`);
  for (const a of result.body.artifacts ?? []) process.stdout.write(`${a.name.padEnd(18)} 0x${a.offset.toString(16).padEnd(8)} ${String(a.size).padStart(9)}  ${a.sha256}\n`);
  process.stdout.write(`Firmware ${namespace}/${name} is Succeeded: app ${result.body.app?.projectName} ${result.body.app?.version}, signed with key ${result.body.signature?.keyId}\n`);
}

interface DownloadOptions {
  namespace?: string;
  kubeconfig?: string;
  output: string;
  url?: string;
}

async function fetchChecked(url: string, what: string, expect?: { size: number; sha256: string }): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (err) {
    throw new Error(`cannot download ${what} from ${url}: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`);
  }
  if (!response.ok) throw new Error(`cannot download ${what} from ${url}: HTTP ${response.status} ${(await response.text()).trim()}`);
  const data = new Uint8Array(await response.arrayBuffer());
  if (expect && (data.length !== expect.size || sha256Hex(data) !== expect.sha256)) {
    throw new Error(`${what} from ${url} does not match Firmware status (${data.length} bytes, sha256 ${sha256Hex(data)}; expected ${expect.size} bytes, sha256 ${expect.sha256})`);
  }
  return data;
}

/**
 * Downloads the images of a Succeeded Firmware, each checked against status (size and SHA-256): from `baseUrl`
 * when given, else from the URL status records.
 */
export async function downloadFirmwareImages(firmware: Firmware, baseUrl: string | undefined): Promise<{ name: string; offset: number; data: Uint8Array }[]> {
  const out = [];
  for (const a of firmware.status?.artifacts ?? []) {
    const url = baseUrl ? `${baseUrl}/blobs/sha256/${a.sha256}` : a.url;
    if (!url) throw new UsageError(`Firmware ${firmware.metadata.name} does not say where its ${a.name} image is; give --url`);
    out.push({ name: a.name, offset: a.offset, data: await fetchChecked(url, `the ${a.name} image of Firmware ${firmware.metadata.name}`, a) });
  }
  return out;
}

/** The Firmware, which must be Succeeded at its current generation. */
export function requireSucceeded(firmware: Firmware): void {
  const s = firmware.status;
  if (s?.phase !== FirmwarePhase.Succeeded || s.observedGeneration !== firmware.metadata.generation || !s.artifacts?.length) {
    throw new UsageError(`Firmware ${firmware.metadata.namespace}/${firmware.metadata.name} has no artifacts (phase ${s?.phase ?? 'Pending'}${s?.message ? `: ${s.message.split('\n')[0]}` : ''})`);
  }
}

async function runDownload(name: string, options: DownloadOptions): Promise<void> {
  let kc: KubeConfig;
  try {
    kc = loadKubeConfig(options.kubeconfig);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const namespace = options.namespace ?? contextNamespace(kc);
  const firmware = await readFirmware(kc, namespace, name);
  requireSucceeded(firmware);
  const recorded = (firmware.status?.artifacts?.[0]?.url ?? '').replace(/\/blobs\/sha256\/[0-9a-f]{64}$/, '');
  const base = options.url ? resolveArtifactsUrl(options.url) : recorded || resolveArtifactsUrl(undefined);
  const images = await downloadFirmwareImages(firmware, options.url || !recorded ? base : undefined);
  const files = new Map<string, Uint8Array>(images.map((i) => [`${i.name}.bin`, i.data]));
  for (const manifest of ['manifest.json', 'flasher_args.json']) {
    files.set(manifest, await fetchChecked(`${base}/firmware/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/${manifest}`, `${manifest} of Firmware ${name}`));
  }
  const out = resolve(options.output);
  mkdirSync(out, { recursive: true });
  // All or nothing: files land under temporary names and are renamed once every one was written.
  const temp = [...files.keys()].map((f) => join(out, `.${f}.part`));
  try {
    for (const [file, data] of files) writeFileSync(join(out, `.${file}.part`), data);
    for (const file of files.keys()) renameSync(join(out, `.${file}.part`), join(out, file));
  } finally {
    for (const t of temp) rmSync(t, { force: true });
  }
  for (const i of images) process.stdout.write(`${`${i.name}.bin`.padEnd(22)} 0x${i.offset.toString(16).padEnd(8)} ${String(i.data.length).padStart(9)}  sha256 ok\n`);
  process.stdout.write(`wrote ${files.size} files of Firmware ${namespace}/${name} (${firmware.spec.version}) to ${out}\n`);
}

/** `kubeflash firmware upload|download`. */
export function registerFirmwareCommand(program: Command): void {
  const firmware = program.command('firmware').description('upload a build to the artifact service, or download a Firmware\'s images');
  firmware
    .command('upload')
    .description('upload an ESP-IDF build to a Firmware (validated, signed and stored by the artifact service; all or nothing)')
    .argument('<firmware>', 'name of the Firmware')
    .option('-n, --namespace <namespace>', "the Firmware's namespace (default: the kubeconfig context's)")
    .option('--kubeconfig <path>', 'kubeconfig to read the Firmware and create the one-time upload token with')
    .option('--build-dir <dir>', 'the ESP-IDF build folder (holding flasher_args.json and the images)')
    .option('--manifest <file>', 'a flasher_args.json; the images are read relative to it')
    .option('--image <file>', 'a lone app image (OTA only: no bootloader or partition table)')
    .option('--offset <offset>', 'flash offset of --image', '0x10000')
    .option('--url <url>', 'base URL of the artifact service (default: $KUBEFLASH_ARTIFACTS_URL or .kubeflash/dev/artifacts.url)')
    .option('--token-file <file>', 'a one-time upload token made for this upload (build Jobs); otherwise one is created with the kubeconfig')
    .action((name: string, options: UploadOptions) => runUpload(name, options));
  firmware
    .command('download')
    .description("download every image, manifest.json and flasher_args.json of a Succeeded Firmware, each checked against the SHA-256 in its status")
    .argument('<firmware>', 'name of the Firmware')
    .option('-n, --namespace <namespace>', "the Firmware's namespace (default: the kubeconfig context's)")
    .option('--kubeconfig <path>', 'kubeconfig to read the Firmware with')
    .requiredOption('-o, --output <dir>', 'folder to write the files into')
    .option('--url <url>', 'base URL of the artifact service (default: where the Firmware status says its images are)')
    .action((name: string, options: DownloadOptions) => runDownload(name, options));
}
