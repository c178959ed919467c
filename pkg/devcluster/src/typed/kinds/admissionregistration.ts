/**
 * The Go types of admissionregistration.k8s.io/v1 as the Kubernetes API reference defines them (field names and JSON
 * tags in struct order, omitempty, pointers, list types and keys, atomic structs), for devcluster's
 * typed decoding, encoding and managedFields. Written from k8s.io/api and k8s.io/apimachinery
 * v1.36; keep in step with the API reference when a field is added.
 */
import { atomicList, bytes, f, int32, lazy, mapList, ptr, req, str, struct, type StructType } from '../types';
import { LabelSelector, ObjectMeta } from './meta';

export const ValidatingWebhookConfiguration: StructType = struct('ValidatingWebhookConfiguration', [
  f('kind', str),
  f('apiVersion', str),
  f('metadata', lazy(() => ObjectMeta)),
  f('webhooks', mapList(lazy(() => ValidatingWebhook), ['name'])),
]);

export const MutatingWebhookConfiguration: StructType = struct('MutatingWebhookConfiguration', [
  f('kind', str),
  f('apiVersion', str),
  f('metadata', lazy(() => ObjectMeta)),
  f('webhooks', mapList(lazy(() => MutatingWebhook), ['name'])),
]);

export const ValidatingWebhook: StructType = struct('ValidatingWebhook', [
  req('name', str),
  req('clientConfig', lazy(() => WebhookClientConfig)),
  f('rules', atomicList(lazy(() => RuleWithOperations))),
  ptr('failurePolicy', str),
  ptr('matchPolicy', str),
  ptr('namespaceSelector', lazy(() => LabelSelector)),
  ptr('objectSelector', lazy(() => LabelSelector)),
  f('sideEffects', str, { omitempty: false, pointer: true }),
  ptr('timeoutSeconds', int32),
  req('admissionReviewVersions', atomicList(str)),
  f('matchConditions', mapList(lazy(() => MatchCondition), ['name'])),
]);

export const MutatingWebhook: StructType = struct('MutatingWebhook', [
  req('name', str),
  req('clientConfig', lazy(() => WebhookClientConfig)),
  f('rules', atomicList(lazy(() => RuleWithOperations))),
  ptr('failurePolicy', str),
  ptr('matchPolicy', str),
  ptr('namespaceSelector', lazy(() => LabelSelector)),
  ptr('objectSelector', lazy(() => LabelSelector)),
  f('sideEffects', str, { omitempty: false, pointer: true }),
  ptr('timeoutSeconds', int32),
  req('admissionReviewVersions', atomicList(str)),
  ptr('reinvocationPolicy', str),
  f('matchConditions', mapList(lazy(() => MatchCondition), ['name'])),
]);

export const WebhookClientConfig: StructType = struct('WebhookClientConfig', [
  ptr('url', str),
  ptr('service', lazy(() => ServiceReference)),
  f('caBundle', bytes),
]);

export const RuleWithOperations: StructType = struct('RuleWithOperations', [
  f('operations', atomicList(str)),
  f('apiGroups', atomicList(str)),
  f('apiVersions', atomicList(str)),
  f('resources', atomicList(str)),
  ptr('scope', str),
]);

export const MatchCondition: StructType = struct('MatchCondition', [
  req('name', str),
  req('expression', str),
]);

export const ServiceReference: StructType = struct('ServiceReference', [
  req('namespace', str),
  req('name', str),
  ptr('path', str),
  ptr('port', int32),
]);
