/**
 * Kubernetes API errors as the API server returns them: a `meta.k8s.io/v1 Status` body with
 * reason, code and (for validation) field causes. Shared by every part of devcluster.
 */

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout';

/** One field-level problem, as in `Status.details.causes[]`. */
export interface StatusCause {
  /** e.g. FieldValueRequired, FieldValueInvalid, FieldValueNotSupported, FieldValueTooLong, FieldValueForbidden, FieldValueTypeInvalid, FieldValueDuplicate */
  reason: string;
  message: string;
  /** JSON-path-like field name as the API server writes it, e.g. `spec.config.values[wifi_ssid]` or `spec.waves[0]`. */
  field: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: StatusReason;
  details?: StatusDetails;
  code: number;
}

/** Thrown anywhere inside devcluster; the HTTP layer turns it into the Status response. */
export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'StatusError';
  }

  toStatus(): StatusBody {
    const body: StatusBody = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) {
      // StatusDetails fields are omitempty.
      const d: StatusDetails = {};
      for (const [k, v] of Object.entries(this.details) as [keyof StatusDetails, unknown][]) {
        if (v !== '' && v !== undefined && v !== 0 && !(Array.isArray(v) && v.length === 0)) (d as Record<string, unknown>)[k] = v;
      }
      // StatusCause fields are omitempty too.
      if (d.causes) d.causes = d.causes.map((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== '' && v !== undefined)) as unknown as StatusCause);
      body.details = d;
    }
    return body;
  }
}

/** `<resource>.<group> "<name>" not found`, as kube-apiserver words it. */
export function notFound(resource: string, group: string, name: string): StatusError {
  const qualified = group ? `${resource}.${group}` : resource;
  return new StatusError(404, 'NotFound', `${qualified} "${name}" not found`, { name, group, kind: resource });
}

export function alreadyExists(resource: string, group: string, name: string): StatusError {
  const qualified = group ? `${resource}.${group}` : resource;
  return new StatusError(409, 'AlreadyExists', `${qualified} "${name}" already exists`, { name, group, kind: resource });
}

export function conflict(resource: string, group: string, name: string): StatusError {
  const qualified = group ? `${resource}.${group}` : resource;
  return new StatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group, kind: resource },
  );
}

/** 422 Invalid: `<Kind>.<group> "<name>" is invalid: [<field>: <message>, ...]`. */
export function invalid(kind: string, group: string, name: string, causes: StatusCause[]): StatusError {
  const qualified = group ? `${kind}.${group}` : kind;
  // field.ErrorList.ToAggregate: the message names each distinct error once; the causes keep them all.
  const list = [...new Set(causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message)))];
  const summary = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  return new StatusError(422, 'Invalid', `${qualified} "${name}" is invalid: ${summary}`, { name, group, kind, causes });
}

export function badRequest(message: string): StatusError {
  return new StatusError(400, 'BadRequest', message);
}

export function gone(message: string): StatusError {
  return new StatusError(410, 'Expired', message);
}
