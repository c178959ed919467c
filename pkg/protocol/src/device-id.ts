/** Namespace part of a device id: a DNS-1123 label (Kubernetes namespace name). */
export const NAMESPACE_PATTERN = '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$';
/** Name part of a device id: a DNS-1123 subdomain (Kubernetes object name). */
export const DEVICE_NAME_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
/** Longest namespace name. */
export const NAMESPACE_MAX = 63;
/** Longest device (object) name. */
export const DEVICE_NAME_MAX = 253;
/**
 * A device id: `<namespace>.<name>`. Namespaces contain no dot, so the first dot splits the two; neither part
 * can contain MQTT wildcards or `/`, so the id is one topic level.
 */
export const DEVICE_ID_PATTERN = '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
/** Longest device id (namespace, dot, name). */
export const DEVICE_ID_MAX = NAMESPACE_MAX + 1 + DEVICE_NAME_MAX;

const NAMESPACE_RE = new RegExp(NAMESPACE_PATTERN);
const NAME_RE = new RegExp(DEVICE_NAME_PATTERN);

/** A device id split into the Device's namespace and name. */
export interface DeviceRef {
  namespace: string;
  name: string;
}

/** Why `namespace`/`name` cannot form a device id, or undefined when they can. */
export function deviceIdProblem(namespace: string, name: string): string | undefined {
  if (namespace.length === 0 || namespace.length > NAMESPACE_MAX || !NAMESPACE_RE.test(namespace)) {
    return `namespace ${JSON.stringify(namespace.slice(0, 80))} is not a DNS-1123 label of at most ${NAMESPACE_MAX} characters`;
  }
  if (name.length === 0 || name.length > DEVICE_NAME_MAX || !NAME_RE.test(name)) {
    return `name ${JSON.stringify(name.slice(0, 80))} is not a DNS-1123 subdomain of at most ${DEVICE_NAME_MAX} characters`;
  }
  return undefined;
}

/** The device id of the Device `namespace`/`name`; throws when they are not valid Kubernetes names. */
export function deviceId(namespace: string, name: string): string {
  const problem = deviceIdProblem(namespace, name);
  if (problem) throw new Error(`cannot form a device id: ${problem}`);
  return `${namespace}.${name}`;
}

/** Splits a device id into namespace and name; undefined when it is not a valid device id. */
export function parseDeviceId(id: string): DeviceRef | undefined {
  const dot = id.indexOf('.');
  if (dot < 0) return undefined;
  const namespace = id.slice(0, dot);
  const name = id.slice(dot + 1);
  return deviceIdProblem(namespace, name) ? undefined : { namespace, name };
}
