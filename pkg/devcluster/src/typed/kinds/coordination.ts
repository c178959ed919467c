/**
 * The Go types of coordination.k8s.io/v1 as the Kubernetes API reference defines them (field names and JSON
 * tags in struct order, omitempty, pointers, list types and keys, atomic structs), for devcluster's
 * typed decoding, encoding and managedFields. Written from k8s.io/api and k8s.io/apimachinery
 * v1.36; keep in step with the API reference when a field is added.
 */
import { f, int32, lazy, microTime, ptr, str, struct, type StructType } from '../types';
import { ObjectMeta } from './meta';

export const Lease: StructType = struct('Lease', [
  f('kind', str),
  f('apiVersion', str),
  f('metadata', lazy(() => ObjectMeta)),
  f('spec', lazy(() => LeaseSpec)),
]);

export const LeaseSpec: StructType = struct('LeaseSpec', [
  ptr('holderIdentity', str),
  ptr('leaseDurationSeconds', int32),
  ptr('acquireTime', microTime),
  ptr('renewTime', microTime),
  ptr('leaseTransitions', int32),
  ptr('strategy', str),
  ptr('preferredHolder', str),
]);
