import type { CoreV1Event } from '@kubernetes/client-node';

/** Normal or Warning, as Kubernetes Events have it. */
export type EventType = 'Normal' | 'Warning';

/** An Event a controller decided to emit about an object. */
export interface EventIntent {
  type: EventType;
  /** An exported reason constant of the object's kind. */
  reason: string;
  message: string;
}

/** Component name on every Event the operator writes. */
export const EVENT_SOURCE = 'kubeflash-operator';

/** Builds a core/v1 Event about `object` (name unique per call through `suffix`). */
export function buildEvent(
  object: { apiVersion: string; kind: string; namespace: string; name: string; uid?: string; resourceVersion?: string },
  intent: EventIntent,
  now: Date,
  suffix: string,
): CoreV1Event {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${object.name}.${suffix}`, namespace: object.namespace },
    involvedObject: { apiVersion: object.apiVersion, kind: object.kind, name: object.name, namespace: object.namespace, uid: object.uid, resourceVersion: object.resourceVersion },
    type: intent.type,
    reason: intent.reason,
    message: intent.message,
    source: { component: EVENT_SOURCE },
    reportingComponent: EVENT_SOURCE,
    reportingInstance: EVENT_SOURCE,
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
  };
}
