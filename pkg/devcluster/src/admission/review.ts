/**
 * admission.k8s.io/v1 AdmissionReview: the request built from the attributes of a write, and
 * the checks kube-apiserver makes on a webhook's response before trusting it.
 */
import { randomUUID } from 'node:crypto';
import { CallingWebhookError } from './client';
import type { AdmissionAttributes } from './types';

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: { code?: number; message?: string; reason?: string; details?: Record<string, unknown>; status?: string };
  patch?: string;
  patchType?: string;
  warnings?: string[];
}

const optionsKind: Record<AdmissionAttributes['operation'], string | undefined> = {
  CREATE: 'CreateOptions',
  UPDATE: 'UpdateOptions',
  DELETE: 'DeleteOptions',
  CONNECT: undefined,
};

/** The AdmissionReview sent for a request; `uid` is fresh for every call. */
export function buildReview(attrs: AdmissionAttributes): { uid: string; review: Record<string, unknown> } {
  const uid = randomUUID();
  const request: Record<string, unknown> = {
    uid,
    kind: attrs.kind,
    resource: attrs.resource,
    requestKind: attrs.kind,
    requestResource: attrs.resource,
    name: attrs.name,
    operation: attrs.operation,
    userInfo: attrs.userInfo,
    object: attrs.object ?? null,
    oldObject: attrs.oldObject ?? null,
    dryRun: attrs.dryRun,
  };
  if (attrs.subResource) {
    request.subResource = attrs.subResource;
    request.requestSubResource = attrs.subResource;
  }
  if (attrs.namespace) request.namespace = attrs.namespace;
  const kind = optionsKind[attrs.operation];
  if (kind) request.options = { apiVersion: 'meta.k8s.io/v1', kind };
  return { uid, review: { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request } };
}

/** Validates a decoded AdmissionReview answer (VerifyAdmissionResponse) and returns its response. */
export function readResponse(hookName: string, uid: string, body: unknown, mutating: boolean): AdmissionResponse {
  const invalid = (detail: string) => new CallingWebhookError(hookName, `received invalid webhook response: ${detail}`);
  const review = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (review.apiVersion !== 'admission.k8s.io/v1' || review.kind !== 'AdmissionReview') {
    const got = `${String(review.apiVersion ?? '')}, Kind=${String(review.kind ?? '')}`;
    throw invalid(`expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got ${got}`);
  }
  const response = review.response as AdmissionResponse | undefined;
  if (!response || typeof response !== 'object') throw invalid('webhook response was absent');
  if (response.uid !== uid) throw invalid(`expected response.uid=${JSON.stringify(uid)}, got ${JSON.stringify(response.uid ?? '')}`);
  if (response.patch !== undefined && response.patch !== '') {
    if (!mutating) throw invalid('validating webhook may not return response.patch');
    if (!response.patchType) throw invalid('webhook returned response.patch but not response.patchType');
    if (response.patchType !== 'JSONPatch') throw invalid(`webhook returned invalid response.patchType of ${JSON.stringify(response.patchType)}`);
  } else if (response.patchType) {
    throw invalid('webhook returned response.patchType but not response.patch');
  }
  return response;
}
