// admission.k8s.io/v1 AdmissionReview as the API server sends it and expects it back: the response echoes the
// request's uid, says allowed or not (a denial carries status.code and status.message), may carry warnings, and
// a mutating webhook's changes are a base64 JSONPatch with patchType "JSONPatch".

/** The part of an AdmissionRequest the webhooks read. */
export interface AdmissionRequest {
  uid: string;
  kind: { group: string; version: string; kind: string };
  resource: { group: string; version: string; resource: string };
  subResource?: string;
  name?: string;
  namespace?: string;
  operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  object?: Record<string, unknown> | null;
  oldObject?: Record<string, unknown> | null;
  dryRun?: boolean;
}

/** One JSONPatch (RFC 6902) operation. */
export interface PatchOperation {
  op: 'add' | 'replace' | 'remove' | 'test';
  path: string;
  value?: unknown;
}

/** What a webhook decided about one request. */
export interface AdmissionDecision {
  /** Reasons to refuse; empty allows. */
  denials: string[];
  /** Shown to the client (kubectl prints them as `Warning: ...`); never a reason to refuse. */
  warnings: string[];
  /** Changes (mutating webhook only). */
  patch?: PatchOperation[];
  /** For a denial: 403 Forbidden (the request breaks a rule, the default) or 500 (the webhook could not check it). */
  code?: 403 | 500;
}

/** A request body that is not an admission.k8s.io/v1 AdmissionReview with a request. */
export class BadReviewError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadReviewError';
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads an AdmissionReview body; throws BadReviewError naming what is wrong. */
export function readReview(body: unknown): AdmissionRequest {
  if (!isRecord(body)) throw new BadReviewError('the body is not a JSON object');
  if (body.apiVersion !== 'admission.k8s.io/v1' || body.kind !== 'AdmissionReview') {
    throw new BadReviewError(`expected an admission.k8s.io/v1 AdmissionReview, got apiVersion ${JSON.stringify(body.apiVersion)} kind ${JSON.stringify(body.kind)}`);
  }
  const request = body.request;
  if (!isRecord(request)) throw new BadReviewError('the AdmissionReview has no request');
  if (typeof request.uid !== 'string' || request.uid === '') throw new BadReviewError('request.uid is missing');
  if (!isRecord(request.kind) || !isRecord(request.resource) || typeof request.operation !== 'string') {
    throw new BadReviewError('request.kind, request.resource and request.operation are required');
  }
  return request as unknown as AdmissionRequest;
}

/** Longest warning kept (the API reference: limit warnings to 120 characters if possible, longer ones may be truncated). */
export const MAX_WARNING_LENGTH = 256;

/** The AdmissionReview answering `request` with `decision`. */
export function reviewResponse(request: AdmissionRequest, decision: AdmissionDecision): Record<string, unknown> {
  const response: Record<string, unknown> = { uid: request.uid, allowed: decision.denials.length === 0 };
  if (decision.denials.length > 0) {
    const code = decision.code ?? 403;
    response.status = { code, reason: code === 500 ? 'InternalError' : 'Forbidden', message: decision.denials.join('; ') };
  } else if (decision.patch && decision.patch.length > 0) {
    response.patchType = 'JSONPatch';
    response.patch = Buffer.from(JSON.stringify(decision.patch)).toString('base64');
  }
  if (decision.warnings.length > 0) {
    response.warnings = decision.warnings.map((w) => (w.length > MAX_WARNING_LENGTH ? `${w.slice(0, MAX_WARNING_LENGTH - 1)}…` : w));
  }
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
}

/** Escapes one JSON Pointer segment (RFC 6901): `~` as `~0`, `/` as `~1`. */
export function pointerSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
