import { V1MicroTime } from '@kubernetes/client-node';

/**
 * A metav1.MicroTime for client-node's typed models. kube-apiserver parses MicroTime fields (Lease
 * acquireTime/renewTime, events.k8s.io Event eventTime) with the layout
 * `2006-01-02T15:04:05.000000Z07:00`: exactly six fractional digits. A plain `Date` is serialized
 * with `toISOString()` (three digits) and answered with 400; V1MicroTime serializes with six.
 */
export function microTime(date: Date): V1MicroTime {
  return new V1MicroTime(date.getTime());
}

/** The wire form of a MicroTime: RFC 3339 in UTC with exactly six fractional digits. */
export function formatMicroTime(date: Date): string {
  return `${date.toISOString().slice(0, -1)}000Z`;
}
