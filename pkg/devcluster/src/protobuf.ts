import { StatusError } from './errors';

/**
 * Decoding of the Kubernetes protobuf wire form (`application/vnd.kubernetes.protobuf`) for the few
 * kinds kubectl's imperative commands send that way (`kubectl create configmap|secret|namespace|
 * serviceaccount|job|deployment`, the fields those generators set). Other kinds are answered 415.
 */

type FieldKind = 'string' | 'bytes' | 'bool' | 'int64' | 'time' | 'map-string' | 'map-bytes' | 'message';

interface FieldSpec {
  name: string;
  kind: FieldKind;
  repeated?: boolean;
  message?: MessageSpec;
}

type MessageSpec = Record<number, FieldSpec>;

const OWNER_REFERENCE: MessageSpec = {
  1: { name: 'kind', kind: 'string' },
  3: { name: 'name', kind: 'string' },
  4: { name: 'uid', kind: 'string' },
  5: { name: 'apiVersion', kind: 'string' },
  6: { name: 'controller', kind: 'bool' },
  7: { name: 'blockOwnerDeletion', kind: 'bool' },
};

const OBJECT_META: MessageSpec = {
  1: { name: 'name', kind: 'string' },
  2: { name: 'generateName', kind: 'string' },
  3: { name: 'namespace', kind: 'string' },
  5: { name: 'uid', kind: 'string' },
  6: { name: 'resourceVersion', kind: 'string' },
  7: { name: 'generation', kind: 'int64' },
  8: { name: 'creationTimestamp', kind: 'time' },
  9: { name: 'deletionTimestamp', kind: 'time' },
  10: { name: 'deletionGracePeriodSeconds', kind: 'int64' },
  11: { name: 'labels', kind: 'map-string' },
  12: { name: 'annotations', kind: 'map-string' },
  13: { name: 'ownerReferences', kind: 'message', repeated: true, message: OWNER_REFERENCE },
  14: { name: 'finalizers', kind: 'string', repeated: true },
};

const LOCAL_OBJECT_REFERENCE: MessageSpec = { 1: { name: 'name', kind: 'string' } };
const OBJECT_REFERENCE: MessageSpec = {
  1: { name: 'kind', kind: 'string' },
  2: { name: 'namespace', kind: 'string' },
  3: { name: 'name', kind: 'string' },
  4: { name: 'uid', kind: 'string' },
  5: { name: 'apiVersion', kind: 'string' },
};

const LABEL_SELECTOR: MessageSpec = {
  1: { name: 'matchLabels', kind: 'map-string' },
  2: {
    name: 'matchExpressions',
    kind: 'message',
    repeated: true,
    message: { 1: { name: 'key', kind: 'string' }, 2: { name: 'operator', kind: 'string' }, 3: { name: 'values', kind: 'string', repeated: true } },
  },
};

const CONTAINER: MessageSpec = {
  1: { name: 'name', kind: 'string' },
  2: { name: 'image', kind: 'string' },
  3: { name: 'command', kind: 'string', repeated: true },
  4: { name: 'args', kind: 'string', repeated: true },
  5: { name: 'workingDir', kind: 'string' },
  6: {
    name: 'ports',
    kind: 'message',
    repeated: true,
    message: { 1: { name: 'name', kind: 'string' }, 2: { name: 'hostPort', kind: 'int64' }, 3: { name: 'containerPort', kind: 'int64' }, 4: { name: 'protocol', kind: 'string' } },
  },
  7: { name: 'env', kind: 'message', repeated: true, message: { 1: { name: 'name', kind: 'string' }, 2: { name: 'value', kind: 'string' } } },
  8: { name: 'resources', kind: 'message', message: {} },
  14: { name: 'imagePullPolicy', kind: 'string' },
};

const POD_TEMPLATE: MessageSpec = {
  1: { name: 'metadata', kind: 'message', message: OBJECT_META },
  2: {
    name: 'spec',
    kind: 'message',
    message: {
      2: { name: 'containers', kind: 'message', repeated: true, message: CONTAINER },
      3: { name: 'restartPolicy', kind: 'string' },
      8: { name: 'serviceAccountName', kind: 'string' },
    },
  },
};

const RESOURCE_ATTRIBUTES: MessageSpec = {
  1: { name: 'namespace', kind: 'string' },
  2: { name: 'verb', kind: 'string' },
  3: { name: 'group', kind: 'string' },
  4: { name: 'version', kind: 'string' },
  5: { name: 'resource', kind: 'string' },
  6: { name: 'subresource', kind: 'string' },
  7: { name: 'name', kind: 'string' },
};
const NON_RESOURCE_ATTRIBUTES: MessageSpec = { 1: { name: 'path', kind: 'string' }, 2: { name: 'verb', kind: 'string' } };
const ACCESS_REVIEW_SPEC: MessageSpec = {
  1: { name: 'resourceAttributes', kind: 'message', message: RESOURCE_ATTRIBUTES },
  2: { name: 'nonResourceAttributes', kind: 'message', message: NON_RESOURCE_ATTRIBUTES },
  3: { name: 'user', kind: 'string' },
  4: { name: 'groups', kind: 'string', repeated: true },
  6: { name: 'uid', kind: 'string' },
};
const REVIEW = (spec: MessageSpec): MessageSpec => ({ 1: { name: 'metadata', kind: 'message', message: OBJECT_META }, 2: { name: 'spec', kind: 'message', message: spec } });

const KINDS: Record<string, MessageSpec> = {
  // The review APIs kubectl auth can-i / whoami call.
  'authorization.k8s.io/v1/SelfSubjectAccessReview': REVIEW(ACCESS_REVIEW_SPEC),
  'authorization.k8s.io/v1/SubjectAccessReview': REVIEW(ACCESS_REVIEW_SPEC),
  'authorization.k8s.io/v1/LocalSubjectAccessReview': REVIEW(ACCESS_REVIEW_SPEC),
  'authorization.k8s.io/v1/SelfSubjectRulesReview': REVIEW({ 1: { name: 'namespace', kind: 'string' } }),
  'authentication.k8s.io/v1/SelfSubjectReview': { 1: { name: 'metadata', kind: 'message', message: OBJECT_META } },
  'authentication.k8s.io/v1/TokenReview': REVIEW({ 1: { name: 'token', kind: 'string' }, 2: { name: 'audiences', kind: 'string', repeated: true } }),
  'authentication.k8s.io/v1/TokenRequest': REVIEW({
    1: { name: 'audiences', kind: 'string', repeated: true },
    3: { name: 'boundObjectRef', kind: 'message', message: { 1: { name: 'kind', kind: 'string' }, 2: { name: 'apiVersion', kind: 'string' }, 3: { name: 'name', kind: 'string' }, 4: { name: 'uid', kind: 'string' } } },
    4: { name: 'expirationSeconds', kind: 'int64' },
  }),
  'batch/v1/Job': {
    1: { name: 'metadata', kind: 'message', message: OBJECT_META },
    2: {
      name: 'spec',
      kind: 'message',
      message: {
        1: { name: 'parallelism', kind: 'int64' },
        2: { name: 'completions', kind: 'int64' },
        3: { name: 'activeDeadlineSeconds', kind: 'int64' },
        4: { name: 'selector', kind: 'message', message: LABEL_SELECTOR },
        6: { name: 'template', kind: 'message', message: POD_TEMPLATE },
        7: { name: 'backoffLimit', kind: 'int64' },
        8: { name: 'ttlSecondsAfterFinished', kind: 'int64' },
        10: { name: 'suspend', kind: 'bool' },
      },
    },
  },
  'apps/v1/Deployment': {
    1: { name: 'metadata', kind: 'message', message: OBJECT_META },
    2: {
      name: 'spec',
      kind: 'message',
      message: {
        1: { name: 'replicas', kind: 'int64' },
        2: { name: 'selector', kind: 'message', message: LABEL_SELECTOR },
        3: { name: 'template', kind: 'message', message: POD_TEMPLATE },
      },
    },
  },
  'v1/ConfigMap': {
    1: { name: 'metadata', kind: 'message', message: OBJECT_META },
    2: { name: 'data', kind: 'map-string' },
    3: { name: 'binaryData', kind: 'map-bytes' },
    4: { name: 'immutable', kind: 'bool' },
  },
  'v1/Secret': {
    1: { name: 'metadata', kind: 'message', message: OBJECT_META },
    2: { name: 'data', kind: 'map-bytes' },
    3: { name: 'type', kind: 'string' },
    4: { name: 'stringData', kind: 'map-string' },
    5: { name: 'immutable', kind: 'bool' },
  },
  'v1/Namespace': {
    1: { name: 'metadata', kind: 'message', message: OBJECT_META },
    2: { name: 'spec', kind: 'message', message: { 1: { name: 'finalizers', kind: 'string', repeated: true } } },
  },
  'v1/ServiceAccount': {
    1: { name: 'metadata', kind: 'message', message: OBJECT_META },
    2: { name: 'secrets', kind: 'message', repeated: true, message: OBJECT_REFERENCE },
    3: { name: 'automountServiceAccountToken', kind: 'bool' },
    4: { name: 'imagePullSecrets', kind: 'message', repeated: true, message: LOCAL_OBJECT_REFERENCE },
  },
};

const TYPE_META: MessageSpec = { 1: { name: 'apiVersion', kind: 'string' }, 2: { name: 'kind', kind: 'string' } };
const UNKNOWN: MessageSpec = {
  1: { name: 'typeMeta', kind: 'message', message: TYPE_META },
  2: { name: 'raw', kind: 'bytes' },
};

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  }

  bytes(): Buffer {
    const len = Number(this.varint());
    if (this.pos + len > this.buf.length) throw new Error('truncated field');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) this.bytes();
    else if (wireType === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wireType}`);
  }
}

function decodeMessage(buf: Buffer, spec: MessageSpec, raw = false): Record<string, unknown> {
  const r = new Reader(buf);
  const out: Record<string, unknown> = {};
  while (r.pos < buf.length) {
    const tag = Number(r.varint());
    const field = spec[tag >> 3];
    const wireType = tag & 7;
    if (!field) {
      r.skip(wireType);
      continue;
    }
    let value: unknown;
    switch (field.kind) {
      case 'string':
        value = r.bytes().toString('utf8');
        break;
      case 'bytes':
        value = raw ? Buffer.from(r.bytes()) : r.bytes().toString('base64');
        break;
      case 'bool':
        value = r.varint() !== 0n;
        break;
      case 'int64':
        value = Number(BigInt.asIntN(64, r.varint()));
        break;
      case 'time': {
        const t = decodeMessage(r.bytes(), { 1: { name: 's', kind: 'int64' } });
        const seconds = Number(t.s ?? 0);
        // Go's zero time (what generators leave in pod templates) is null in JSON: leave it out.
        if (seconds <= 0) continue;
        value = new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
        break;
      }
      case 'message':
        value = decodeMessage(r.bytes(), field.message ?? {});
        break;
      case 'map-string':
      case 'map-bytes': {
        const entry = decodeMessage(r.bytes(), { 1: { name: 'k', kind: 'string' }, 2: { name: 'v', kind: field.kind === 'map-string' ? 'string' : 'bytes' } });
        const map = (out[field.name] ?? {}) as Record<string, unknown>;
        map[String(entry.k ?? '')] = entry.v ?? '';
        out[field.name] = map;
        continue;
      }
    }
    // Go's generated marshallers write empty strings and zero numbers that JSON would omit.
    if ((value === '' || value === 0) && !field.repeated) continue;
    if (field.repeated) out[field.name] = [...((out[field.name] as unknown[] | undefined) ?? []), value];
    else out[field.name] = value;
  }
  return out;
}

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** Decodes a `k8s\0`-prefixed protobuf body into the JSON form; 415 for kinds not listed here. */
export function decodeKubernetesProtobuf(body: Buffer): Record<string, unknown> {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) {
    throw new StatusError(400, 'BadRequest', 'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
  }
  const unknown = decodeMessage(body.subarray(4), UNKNOWN, true);
  const typeMeta = (unknown.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const spec = KINDS[`${typeMeta.apiVersion}/${typeMeta.kind}`];
  if (!spec) {
    throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`);
  }
  const object = decodeMessage((unknown.raw as Buffer | undefined) ?? Buffer.alloc(0), spec);
  return { apiVersion: typeMeta.apiVersion, kind: typeMeta.kind, ...object };
}
