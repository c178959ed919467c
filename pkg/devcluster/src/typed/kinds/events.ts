/**
 * The Go types of events.k8s.io/v1 as the Kubernetes API reference defines them (field names and JSON
 * tags in struct order, omitempty, pointers, list types and keys, atomic structs), for devcluster's
 * typed decoding, encoding and managedFields. Written from k8s.io/api and k8s.io/apimachinery
 * v1.36; keep in step with the API reference when a field is added.
 */
import { f, int32, lazy, microTime, ptr, req, str, struct, time, type StructType } from '../types';
import { ObjectMeta } from './meta';
import { EventSource, ObjectReference } from './core';

export const EventsEvent: StructType = struct('Event', [
  f('kind', str),
  f('apiVersion', str),
  req('metadata', lazy(() => ObjectMeta)),
  req('eventTime', microTime),
  ptr('series', lazy(() => EventsEventSeries)),
  f('reportingController', str),
  f('reportingInstance', str),
  f('action', str),
  f('reason', str),
  f('regarding', lazy(() => ObjectReference)),
  ptr('related', lazy(() => ObjectReference)),
  f('note', str),
  f('type', str),
  f('deprecatedSource', lazy(() => EventSource)),
  f('deprecatedFirstTimestamp', time),
  f('deprecatedLastTimestamp', time),
  f('deprecatedCount', int32),
]);

export const EventsEventSeries: StructType = struct('EventSeries', [
  req('count', int32),
  req('lastObservedTime', microTime),
]);
