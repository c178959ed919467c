import { createHash, verify as verifySignature } from 'node:crypto';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readAppImageInfoNode } from '@kubeflash/esp/node';
import type { CmdOtaPayload, OtaFailureReason } from '@kubeflash/protocol';

/** An OTA step a power loss can be injected at. */
export const OtaStep = {
  Downloading: 'downloading',
  Verifying: 'verifying',
  Rebooting: 'rebooting',
  PendingVerify: 'pending-verify',
} as const;
/** One of the OTA steps. */
export type OtaStep = (typeof OtaStep)[keyof typeof OtaStep];

/** Why an update failed, as `ota/result` reports it. */
export class OtaFailure extends Error {
  override readonly name = 'OtaFailure';
  constructor(readonly reason: OtaFailureReason, readonly detail: string) {
    super(`${reason}: ${detail}`);
  }
}

/** How a download runs. */
export interface DownloadOptions {
  url: string;
  size: number;
  /** PEM CA that an https:// URL must chain to (the firmware uses its mqtt_ca; without it the system roots). */
  ca?: string;
  /** The connection is cut once after this many bytes (then resumed with Range). */
  cutAtByte?: number;
  /** Every request fails (as a dead server would). */
  failEveryRequest?: boolean;
  /** Requests after a dropped connection (default 3). */
  retries?: number;
  /** Called with the bytes received so far. */
  onProgress?: (bytes: number) => void;
  /** True once the download must stop (power loss, reboot); the promise then rejects. */
  cancelled?: () => boolean;
}

const RETRY_DELAY_MS = 200;
const REQUEST_TIMEOUT_MS = 30_000;

/** One GET (a fresh connection, as esp_http_client opens one per download). */
function get(url: URL, headers: Record<string, string>, ca: string | undefined): { request: ClientRequest; response: Promise<IncomingMessage> } {
  const options = { headers, agent: false as const, timeout: REQUEST_TIMEOUT_MS };
  const request = url.protocol === 'https:' ? httpsRequest(url, { ...options, ...(ca ? { ca } : {}) }) : httpRequest(url, options);
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    request.once('response', resolve);
    request.once('error', reject);
    request.once('timeout', () => request.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)));
  });
  request.end();
  return { request, response };
}

/**
 * Downloads an image over HTTP(S) as the firmware does: one GET, and after a dropped connection a new GET with
 * `Range: bytes=<received>-` (the server must answer 206 from that offset), up to `retries` times. The result is
 * exactly what arrived; size and hash are checked afterwards.
 */
export async function downloadImage(o: DownloadOptions): Promise<Uint8Array> {
  const url = new URL(o.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OtaFailure('download-failed', `${url.protocol} URLs are not supported`);
  const chunks: Buffer[] = [];
  let received = 0;
  let cutDone = o.cutAtByte === undefined;
  let lastError = 'no request made';
  for (let attempt = 0; attempt <= (o.retries ?? 3); attempt++) {
    if (o.cancelled?.()) throw new OtaFailure('download-failed', 'cancelled');
    if (attempt > 0) await new Promise((r) => setTimeout(r, RETRY_DELAY_MS));
    if (o.failEveryRequest) {
      lastError = 'HTTP 503 (fault injected)';
      continue;
    }
    const { request, response: answer } = get(url, received > 0 ? { Range: `bytes=${received}-` } : {}, o.ca);
    let response: IncomingMessage;
    try {
      response = await answer;
    } catch (err) {
      lastError = `connection failed: ${(err as Error).message}`;
      continue;
    }
    const status = response.statusCode ?? 0;
    if (received > 0 && status !== 206) {
      request.destroy();
      throw new OtaFailure('download-failed', `HTTP ${status} to a Range request (resume needs 206)`);
    }
    if (received === 0 && status !== 200) {
      request.destroy();
      if (status >= 500 || status === 429) {
        lastError = `HTTP ${status}`;
        continue;
      }
      throw new OtaFailure('download-failed', `HTTP ${status}`);
    }
    try {
      for await (const chunk of response as AsyncIterable<Buffer>) {
        if (o.cancelled?.()) {
          request.destroy();
          throw new OtaFailure('download-failed', 'cancelled');
        }
        let piece = chunk;
        if (!cutDone && received + piece.length >= (o.cutAtByte as number)) {
          piece = piece.subarray(0, (o.cutAtByte as number) - received);
          chunks.push(piece);
          received += piece.length;
          cutDone = true;
          request.destroy();
          throw new Error(`connection cut at byte ${received} (fault injected)`);
        }
        chunks.push(piece);
        received += piece.length;
        if (received > o.size) {
          request.destroy();
          break;
        }
        o.onProgress?.(received);
      }
      if (!response.complete && received <= o.size) throw new Error('the connection closed before the whole body arrived');
      return Buffer.concat(chunks);
    } catch (err) {
      if (err instanceof OtaFailure) throw err;
      lastError = (err as Error).message;
    }
  }
  throw new OtaFailure('download-failed', lastError.slice(0, 256));
}

/** What the verified image says about itself. */
export interface VerifiedImage {
  version: string;
  project: string;
}

/**
 * The checks before the boot partition changes, in the firmware's order: size, SHA-256 of the whole image, the
 * ECDSA P-256 signature over that SHA-256 with `ota_pubkey` (DER SubjectPublicKeyInfo), then the image itself
 * (ESP image header, app description, chip).
 */
export function verifyImage(image: Uint8Array, command: CmdOtaPayload, publicKeyDer: Uint8Array, chip: string): VerifiedImage {
  if (image.length !== command.size) throw new OtaFailure('size-mismatch', `received ${image.length} bytes, the command says ${command.size}`);
  const sha256 = createHash('sha256').update(image).digest('hex');
  if (sha256 !== command.sha256) throw new OtaFailure('sha256-mismatch', 'the image SHA-256 differs from the command');
  let valid: boolean;
  try {
    valid = verifySignature('sha256', image, { key: Buffer.from(publicKeyDer), format: 'der', type: 'spki', dsaEncoding: 'der' }, Buffer.from(command.signature, 'base64'));
  } catch (err) {
    throw new OtaFailure('signature-invalid', `cannot check the signature: ${(err as Error).message}`.slice(0, 256));
  }
  if (!valid) throw new OtaFailure('signature-invalid', 'the signature does not verify with ota_pubkey');
  let info;
  try {
    info = readAppImageInfoNode(image);
  } catch (err) {
    throw new OtaFailure('invalid-image', (err as Error).message.slice(0, 256));
  }
  if (!info.appDescription) throw new OtaFailure('invalid-image', 'the image has no app description');
  if (info.chipName && info.chipName !== chip) throw new OtaFailure('invalid-image', `the image is for ${info.chipName}, this chip is ${chip}`);
  return { version: info.appDescription.version, project: info.appDescription.projectName };
}
