// The operator: its ServiceAccount, Deployment (2 replicas with leader election, probes, non-root, read-only root
// filesystem, anti-affinity), PodDisruptionBudget and the Service for metrics and webhooks.
import { Type } from '@sinclair/typebox';
import { DNS1123_LABEL_PATTERN, GROUP } from '@kubeflash/api';
import {
  HEALTH_PORT,
  LEADER_LEASE_NAME,
  METRICS_PORT_NAME,
  OPERATOR_COMPONENT,
  OPERATOR_NAME,
  WEBHOOK_PORT,
  WEBHOOK_PORT_NAME,
  WEBHOOK_SERVICE_PORT,
} from '../names';
import { INSTALL_VERSION } from '../version';
import { format, isSet, join, releaseNamespace, v, when } from '../template/expr';
import type { Document } from '../template/expr';
import { GrantScope, type Component, type OperatorGrant } from './component';
import { labels, selectorLabels } from './labels';

/** Non-root user and group of the image (distroless `nonroot`). */
export const RUN_AS_USER = 65532;

/** Secret with the artifact service's URL-signing key (operator/src/artifacts/url-key.ts: URL_KEY_SECRET). */
export const ARTIFACTS_URL_KEY_SECRET = 'kubeflash-artifacts-url-key';

/** The kinds whose objects the config controllers read and whose status they write. */
const CONFIG_KINDS = ['devices', 'deviceclasses', 'devicesclusters', 'devicegroups'];

const imageValues = Type.Object(
  {
    repository: Type.String({ description: 'Operator image repository.', default: 'ghcr.io/kubeflash/kubeflash-operator', minLength: 1 }),
    tag: Type.String({ description: 'Image tag; the chart\'s appVersion by default.', default: INSTALL_VERSION }),
    digest: Type.String({
      description: 'Image digest (sha256:...); when set it is used instead of the tag.',
      default: '',
      pattern: '^(sha256:[a-f0-9]{64})?$',
    }),
    pullPolicy: Type.String({ description: 'Image pull policy.', default: 'IfNotPresent', enum: ['IfNotPresent', 'Always', 'Never'] }),
  },
  { description: 'The kubeflash image (the operator bundle on a distroless Node.js base).', additionalProperties: false },
);

const operatorValues = Type.Object(
  {
    replicas: Type.Integer({ description: 'Operator replicas; one leads (Lease), the others stand by and serve webhooks.', default: 2, minimum: 1, maximum: 10 }),
    logLevel: Type.String({ description: 'Least severe log records written.', default: 'info', enum: ['debug', 'info', 'warn', 'error'] }),
    logFormat: Type.String({ description: 'Log format: json (one object per line) or text.', default: 'json', enum: ['json', 'text'] }),
    watchNamespaces: Type.Array(Type.String({ pattern: DNS1123_LABEL_PATTERN, maxLength: 63 }), {
      description:
        'Namespaces the operator watches; empty watches all. With a list, its RBAC is a Role per namespace ' +
        'and the webhooks see only these namespaces.',
      default: [],
      uniqueItems: true,
    }),
    deviceConcurrency: Type.Integer({ description: 'Devices reconciled at the same time.', default: 8, minimum: 1, maximum: 256 }),
    resources: Type.Object(
      {},
      {
        description: 'Container resources.',
        additionalProperties: true,
        default: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
      },
    ),
    nodeSelector: Type.Record(Type.String(), Type.String(), { description: 'Node selector of the operator pods.', default: {} }),
    tolerations: Type.Array(Type.Object({}, { additionalProperties: true }), { description: 'Tolerations of the operator pods.', default: [] }),
    podAnnotations: Type.Record(Type.String(), Type.String(), { description: 'Extra annotations of the operator pods.', default: {} }),
    priorityClassName: Type.String({ description: 'PriorityClass of the operator pods (none when empty).', default: '' }),
  },
  { description: 'The operator Deployment.', additionalProperties: false },
);

const name = OPERATOR_NAME;
const ns = releaseNamespace();
const metadata = () => ({ name, namespace: ns, labels: labels(OPERATOR_COMPONENT) });
/**
 * A list or map from the values, left out when empty: server-side apply counts an applied `{}` or `[]` that the
 * API server stores as absent as a change on every apply (kubernetes/kubernetes#124050), so a GitOps tool would
 * rewrite the object forever.
 */
const ifSet = (path: string) => when(isSet(path), v(path));
const rule = (apiGroups: string[], resources: string[], verbs: string[], resourceNames?: string[]) =>
  resourceNames ? { apiGroups, resources, verbs, resourceNames } : { apiGroups, resources, verbs };

/** API access of the config controllers, the leader election and the Events they write. */
const grants: OperatorGrant[] = [
  { scope: GrantScope.Watched, rule: rule([GROUP], [...CONFIG_KINDS, 'firmwares'], ['list', 'watch']), reason: 'informers of the config controllers (Firmware: a class\'s current build)' },
  { scope: GrantScope.Watched, rule: rule([GROUP], ['firmwares'], ['create']), reason: 'the Firmware of a class\'s spec.firmware.version' },
  { scope: GrantScope.Watched, rule: rule([GROUP], CONFIG_KINDS.map((k) => `${k}/status`), ['patch']), reason: 'status, server-side applied' },
  { scope: GrantScope.Watched, rule: rule([GROUP], ['devices'], ['patch']), reason: 'the broker-account finalizer of Devices (accountManagement: mosquitto-dynsec)' },
  {
    scope: GrantScope.Watched,
    rule: rule([''], ['secrets'], ['list', 'watch', 'create', 'update']),
    reason: 'config layers read Secrets; the operator writes each device\'s config Secret',
  },
  { scope: GrantScope.Watched, rule: rule([''], ['events'], ['create']), reason: 'Events on every condition transition' },
  { scope: GrantScope.Watched, rule: rule([GROUP], ['rollouts'], ['list', 'watch']), reason: 'the rollout controller\'s informer' },
  {
    scope: GrantScope.Watched,
    rule: rule([GROUP], ['firmwares'], ['list', 'watch', 'create']),
    reason: 'rollouts read their Firmware; a DeviceClass\'s firmware version makes its Firmware',
  },
  { scope: GrantScope.Watched, rule: rule([GROUP], ['rollouts/status'], ['patch']), reason: 'Rollout status, server-side applied' },
  {
    scope: GrantScope.Own,
    rule: rule([''], ['secrets'], ['get'], [ARTIFACTS_URL_KEY_SECRET]),
    reason: 'the artifact service\'s URL-signing key: OTA download URLs are signed per device',
  },
  { scope: GrantScope.Own, rule: rule(['coordination.k8s.io'], ['leases'], ['create']), reason: 'leader election (first replica)' },
  { scope: GrantScope.Own, rule: rule(['coordination.k8s.io'], ['leases'], ['get', 'update'], [LEADER_LEASE_NAME]), reason: 'leader election' },
];

/** The operator Deployment, its ServiceAccount, PodDisruptionBudget and Service. */
export const operatorComponent: Component = {
  name: 'operator',
  title: 'The kubeflash operator: ServiceAccount, Deployment, PodDisruptionBudget, Service (metrics and webhooks).',
  values: {
    image: imageValues,
    imagePullSecrets: Type.Array(Type.Object({ name: Type.String({ minLength: 1 }) }, { additionalProperties: false }), {
      description: 'Secrets for pulling the image from a private registry.',
      default: [],
    }),
    operator: operatorValues,
  },
  operatorGrants: grants,
  notes: [
    'The operator ({{ $.Values.operator.replicas }} replicas, one leading):',
    '  kubectl -n {{ $.Release.Namespace }} rollout status deployment/' + name,
    '  kubectl -n {{ $.Release.Namespace }} get lease ' + LEADER_LEASE_NAME + ' -o jsonpath=\'{.spec.holderIdentity}{"\\n"}\'',
    '  kubectl -n {{ $.Release.Namespace }} logs deployment/' + name,
  ],
  documents: (): Document[] => [
    {
      object: {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: metadata(),
        // The token is mounted into the operator pod only (its spec asks for it).
        automountServiceAccountToken: false,
      },
    },
    {
      object: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: metadata(),
        spec: {
          replicas: v('operator.replicas'),
          revisionHistoryLimit: 3,
          selector: { matchLabels: selectorLabels(OPERATOR_COMPONENT) },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
          template: {
            metadata: { labels: labels(OPERATOR_COMPONENT), annotations: ifSet('operator.podAnnotations') },
            spec: {
              serviceAccountName: name,
              automountServiceAccountToken: true,
              imagePullSecrets: ifSet('imagePullSecrets'),
              priorityClassName: when(isSet('operator.priorityClassName'), v('operator.priorityClassName')),
              securityContext: {
                runAsNonRoot: true,
                runAsUser: RUN_AS_USER,
                runAsGroup: RUN_AS_USER,
                fsGroup: RUN_AS_USER,
                seccompProfile: { type: 'RuntimeDefault' },
              },
              affinity: {
                podAntiAffinity: {
                  preferredDuringSchedulingIgnoredDuringExecution: [
                    {
                      weight: 100,
                      podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selectorLabels(OPERATOR_COMPONENT) } },
                    },
                  ],
                },
              },
              nodeSelector: ifSet('operator.nodeSelector'),
              tolerations: ifSet('operator.tolerations'),
              terminationGracePeriodSeconds: 30,
              containers: [
                {
                  name: 'operator',
                  image: when(isSet('image.digest'), format`${v('image.repository')}@${v('image.digest')}`, format`${v('image.repository')}:${v('image.tag')}`),
                  imagePullPolicy: v('image.pullPolicy'),
                  args: [
                    'operator',
                    when(isSet('operator.watchNamespaces'), format`--namespace=${join('operator.watchNamespaces', ',')}`),
                    format`--log-level=${v('operator.logLevel')}`,
                    format`--log-format=${v('operator.logFormat')}`,
                    `--health-port=${HEALTH_PORT}`,
                    format`--device-concurrency=${v('operator.deviceConcurrency')}`,
                    when(isSet('webhooks.enabled'), `--webhook-port=${WEBHOOK_PORT}`, '--webhook-port=0'),
                    when(isSet('webhooks.certManager.enabled'), '--webhook-cert-source=cert-manager', '--webhook-cert-source=operator'),
                  ],
                  env: [
                    { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                    // The operator's namespace: leader Lease, webhook certificate Secret, Service name in the certificate.
                    { name: 'KUBEFLASH_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                  ],
                  ports: [
                    { name: METRICS_PORT_NAME, containerPort: HEALTH_PORT, protocol: 'TCP' },
                    { name: WEBHOOK_PORT_NAME, containerPort: WEBHOOK_PORT, protocol: 'TCP' },
                  ],
                  livenessProbe: { httpGet: { path: '/healthz', port: METRICS_PORT_NAME }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
                  readinessProbe: { httpGet: { path: '/readyz', port: METRICS_PORT_NAME }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
                  startupProbe: { httpGet: { path: '/healthz', port: METRICS_PORT_NAME }, periodSeconds: 2, failureThreshold: 30 },
                  resources: v('operator.resources'),
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    readOnlyRootFilesystem: true,
                    capabilities: { drop: ['ALL'] },
                  },
                  volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
                },
              ],
              volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
            },
          },
        },
      },
    },
    {
      object: {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: metadata(),
        spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(OPERATOR_COMPONENT) } },
      },
    },
    {
      object: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: metadata(),
        spec: {
          type: 'ClusterIP',
          selector: selectorLabels(OPERATOR_COMPONENT),
          ports: [
            { name: WEBHOOK_PORT_NAME, port: WEBHOOK_SERVICE_PORT, targetPort: WEBHOOK_PORT_NAME, protocol: 'TCP' },
            { name: METRICS_PORT_NAME, port: HEALTH_PORT, targetPort: METRICS_PORT_NAME, protocol: 'TCP' },
          ],
        },
      },
    },
  ],
};
