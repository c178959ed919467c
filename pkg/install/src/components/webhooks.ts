// The admission webhooks: a ValidatingWebhookConfiguration for all six kinds and a MutatingWebhookConfiguration
// for the defaults the schema cannot set, both served by the operator over HTTPS. failurePolicy is Fail (an
// operator that is down refuses kubeflash writes with a clear error instead of letting them through unchecked)
// and kube-system is never selected. The serving certificate comes from cert-manager when enabled, otherwise
// the operator makes and renews it and patches caBundle.
import { Type } from '@sinclair/typebox';
import { GROUP, KIND_DEFINITIONS, VERSION } from '@kubeflash/api';
import {
  MUTATE_PATH,
  MUTATING_WEBHOOK_NAME,
  OPERATOR_COMPONENT,
  OPERATOR_NAME,
  VALIDATE_PATH,
  VALIDATING_WEBHOOK_NAME,
  WEBHOOK_CERTIFICATE_NAME,
  WEBHOOK_CERT_SECRET_NAME,
  WEBHOOK_CONFIGURATION_NAME,
  WEBHOOK_EXCLUDED_NAMESPACES,
  WEBHOOK_ISSUER_NAME,
  WEBHOOK_SERVICE_PORT,
} from '../names';
import { allOf, format, isSet, isUnset, releaseNamespace, v, when, type Node } from '../template/expr';
import type { Document } from '../template/expr';
import { GrantScope, type Component, type RenderOptions } from './component';
import { labels } from './labels';

const webhookValues = Type.Object(
  {
    enabled: Type.Boolean({ description: 'Serve and register the admission webhooks (validation and defaults of all kubeflash kinds).', default: true }),
    timeoutSeconds: Type.Integer({ description: 'How long the API server waits for a webhook answer.', default: 10, minimum: 1, maximum: 30 }),
    certManager: Type.Object(
      {
        enabled: Type.Boolean({
          description:
            'Let cert-manager issue the serving certificate (a self-signed Issuer and a Certificate) and inject caBundle; ' +
            'otherwise the operator makes a CA and certificate, renews them before expiry and patches caBundle.',
          default: false,
        }),
      },
      { description: 'cert-manager integration.', additionalProperties: false },
    ),
  },
  { description: 'Admission webhooks.', additionalProperties: false },
);

const ns = releaseNamespace();
const useCertManager = allOf(isSet('webhooks.enabled'), isSet('webhooks.certManager.enabled'));
const operatorMakesCerts = allOf(isSet('webhooks.enabled'), isUnset('webhooks.certManager.enabled'));

function clientConfig(options: RenderOptions, path: string): Node {
  if ('url' in options.webhookClient) return { url: `${options.webhookClient.url}${path}`, caBundle: options.webhookClient.caBundle };
  return { service: { name: OPERATOR_NAME, namespace: ns, path, port: WEBHOOK_SERVICE_PORT } };
}

/** Never kube-system; with a list of watched namespaces, only those. */
const namespaceSelector: Node = {
  matchExpressions: [
    { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [...WEBHOOK_EXCLUDED_NAMESPACES] },
    when(isSet('operator.watchNamespaces'), { key: 'kubernetes.io/metadata.name', operator: 'In', values: v('operator.watchNamespaces') }),
  ],
};

const rules = (operations: string[]): Node => [
  {
    apiGroups: [GROUP],
    apiVersions: [VERSION],
    operations,
    resources: KIND_DEFINITIONS.map((d) => d.names.plural),
    scope: 'Namespaced',
  },
];

const configurationMetadata = (): Node => ({
  name: WEBHOOK_CONFIGURATION_NAME,
  labels: labels(OPERATOR_COMPONENT),
  annotations: when(isSet('webhooks.certManager.enabled'), { 'cert-manager.io/inject-ca-from': format`${ns}/${WEBHOOK_CERTIFICATE_NAME}` }),
});

const webhook = (options: RenderOptions, name: string, path: string, operations: string[]): Node => ({
  name,
  admissionReviewVersions: ['v1'],
  sideEffects: 'None',
  failurePolicy: 'Fail',
  matchPolicy: 'Equivalent',
  timeoutSeconds: v('webhooks.timeoutSeconds'),
  clientConfig: clientConfig(options, path),
  rules: rules(operations),
  namespaceSelector,
});

/** Webhook configurations, cert-manager objects, and the operator's access to its certificate. */
export const webhooksComponent: Component = {
  name: 'webhooks',
  title: 'Admission webhooks of the kubeflash kinds (validation and defaults), and their serving certificate.',
  values: { webhooks: webhookValues },
  operatorGrants: [
    {
      scope: GrantScope.Watched,
      rule: { apiGroups: [GROUP], resources: ['deviceclasses', 'devicesclusters', 'firmwares'], verbs: ['get'] },
      reason: 'validation reads the objects a request refers to (class schema, firmware)',
      when: isSet('webhooks.enabled'),
    },
    {
      scope: GrantScope.Own,
      rule: { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: [WEBHOOK_CERT_SECRET_NAME] },
      reason: 'the webhook serving certificate',
      when: isSet('webhooks.enabled'),
    },
    {
      scope: GrantScope.Own,
      rule: { apiGroups: [''], resources: ['secrets'], verbs: ['update'], resourceNames: [WEBHOOK_CERT_SECRET_NAME] },
      reason: 'renewing the serving certificate',
      when: operatorMakesCerts,
    },
    {
      scope: GrantScope.Own,
      rule: { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      reason: 'first serving certificate (create cannot be limited by name)',
      when: operatorMakesCerts,
    },
    {
      scope: GrantScope.Cluster,
      rule: {
        apiGroups: ['admissionregistration.k8s.io'],
        resources: ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'],
        verbs: ['get', 'patch'],
        resourceNames: [WEBHOOK_CONFIGURATION_NAME],
      },
      reason: 'caBundle of its own webhook configurations',
      when: operatorMakesCerts,
    },
  ],
  notes: [
    '{{- if $.Values.webhooks.enabled }}',
    'Admission webhooks: validation and defaults of every kubeflash kind (failurePolicy Fail: while no operator',
    'replica is ready, creating or changing kubeflash objects is refused with "failed calling webhook").',
    '  kubectl get validatingwebhookconfiguration,mutatingwebhookconfiguration ' + WEBHOOK_CONFIGURATION_NAME,
    '{{- end }}',
  ],
  documents: (options): Document[] => [
    {
      when: isSet('webhooks.enabled'),
      object: {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingWebhookConfiguration',
        metadata: configurationMetadata(),
        webhooks: [webhook(options, VALIDATING_WEBHOOK_NAME, VALIDATE_PATH, ['CREATE', 'UPDATE'])],
      },
    },
    {
      when: isSet('webhooks.enabled'),
      object: {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'MutatingWebhookConfiguration',
        metadata: configurationMetadata(),
        webhooks: [{ ...(webhook(options, MUTATING_WEBHOOK_NAME, MUTATE_PATH, ['CREATE', 'UPDATE']) as object), reinvocationPolicy: 'Never' }],
      },
    },
    {
      when: useCertManager,
      object: {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Issuer',
        metadata: { name: WEBHOOK_ISSUER_NAME, namespace: ns, labels: labels(OPERATOR_COMPONENT) },
        spec: { selfSigned: {} },
      },
    },
    {
      when: useCertManager,
      object: {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: WEBHOOK_CERTIFICATE_NAME, namespace: ns, labels: labels(OPERATOR_COMPONENT) },
        spec: {
          secretName: WEBHOOK_CERT_SECRET_NAME,
          dnsNames: [format`${OPERATOR_NAME}.${ns}.svc`, format`${OPERATOR_NAME}.${ns}.svc.cluster.local`],
          issuerRef: { name: WEBHOOK_ISSUER_NAME, kind: 'Issuer' },
          privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
          duration: '8760h',
          renewBefore: '720h',
        },
      },
    },
  ],
};
