// The artifact service (`kubeflash-operator artifacts`): firmware uploads, build Jobs, signed downloads. Its own
// ServiceAccount with its own RBAC (it runs the Firmware controller and reads device config Secrets for signed
// links; the operator needs none of that), a Deployment of one replica (the Firmware controller has no leader
// election), a Service, a PersistentVolumeClaim for the filesystem store or an S3-compatible bucket, and an
// optional Ingress with TLS for devices that download over the internet.
import { Type } from '@sinclair/typebox';
import { DEFAULT_BUILDER_IMAGE, GROUP, PINNED_IMAGE_PATTERN } from '@kubeflash/api';
import { ARTIFACTS_COMPONENT, ARTIFACTS_DATA_DIR, ARTIFACTS_NAME, ARTIFACTS_STAGING_DIR, ARTIFACTS_PORT, ARTIFACTS_PORT_NAME, ARTIFACTS_URL_KEY_SECRET } from '../names';
import { allOf, format, isSet, isUnset, item, join, releaseNamespace, v, when, type Condition, type Document, type Node } from '../template/expr';
import type { Component, PolicyRule } from './component';
import { labels, selectorLabels } from './labels';
import { RUN_AS_USER } from './operator';

const RBAC_API = 'rbac.authorization.k8s.io/v1';
/** Role of the artifact service in its own namespace (the signed-URL key). */
export const ARTIFACTS_OWN_ROLE = `${ARTIFACTS_NAME}-url-key`;

const artifactsValues = Type.Object(
  {
    enabled: Type.Boolean({ description: 'Run the artifact service (firmware uploads, build Jobs, downloads, signed links).', default: true }),
    publicUrl: Type.String({
      description:
        'Base URL devices, browsers and scripts reach the service at (e.g. https://<ingress host>); it is written into ' +
        "every Firmware's status.artifacts[].url and signed links. Empty: the in-cluster Service URL.",
      default: '',
      pattern: '^(https?://[^\\s/]+(/[^\\s]*)?)?$',
    }),
    logLevel: Type.String({ description: 'Least severe log records written.', default: 'info', enum: ['debug', 'info', 'warn', 'error'] }),
    builder: Type.Object(
      {
        image: Type.String({
          description: "ESP-IDF image of build Jobs (Firmware of source git), pinned by digest; a Firmware's spec.builder.image overrides it.",
          default: DEFAULT_BUILDER_IMAGE,
          pattern: PINNED_IMAGE_PATTERN,
        }),
        startTimeoutSeconds: Type.Integer({ description: 'A build Job whose pod has not started after this long fails its Firmware.', default: 600, minimum: 10 }),
      },
      { description: 'Firmware build Jobs.', additionalProperties: false },
    ),
    persistence: Type.Object(
      {
        size: Type.String({ description: 'Size of the PersistentVolumeClaim of the filesystem store.', default: '10Gi', pattern: '^[0-9]+(\\.[0-9]+)?([KMGTPE]i?)?$' }),
        storageClassName: Type.String({ description: 'StorageClass of the claim (the cluster default when empty).', default: '' }),
        existingClaim: Type.String({ description: 'Use this existing PersistentVolumeClaim instead of making one.', default: '' }),
      },
      { description: 'The filesystem store (used unless s3.enabled).', additionalProperties: false },
    ),
    s3: Type.Object(
      {
        enabled: Type.Boolean({ description: 'Store blobs in an S3-compatible bucket (AWS S3, MinIO, ...) instead of the PersistentVolumeClaim.', default: false }),
        bucket: Type.String({ description: 'Bucket name.', default: '' }),
        endpoint: Type.String({ description: 'Endpoint of an S3-compatible server (e.g. http://minio.storage.svc:9000); empty for AWS S3.', default: '' }),
        region: Type.String({ description: 'Region of the bucket.', default: 'us-east-1', minLength: 1 }),
        prefix: Type.String({ description: 'Key prefix inside the bucket (e.g. kubeflash/).', default: '' }),
        credentialsSecret: Type.String({
          description:
            'Secret (release namespace) with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY of a user limited to the bucket; ' +
            'empty: the AWS SDK default chain (IRSA, instance role).',
          default: '',
        }),
        stagingSize: Type.String({
          description:
            'Size limit of the emptyDir uploads are staged in before they go to the bucket (an upload is at most 48 MiB; ' +
            'the pod is evicted when concurrent uploads exceed it).',
          default: '1Gi',
          pattern: '^[0-9]+(\\.[0-9]+)?([KMGTPE]i?)?$',
        }),
      },
      {
        description: 'S3-compatible object storage.',
        additionalProperties: false,
        // A bucket is required once S3 is on (otherwise the pod would start and fail on its flags).
        if: { properties: { enabled: { const: true } }, required: ['enabled'] },
        then: { properties: { bucket: { minLength: 1 } } },
      },
    ),
    ingress: Type.Object(
      {
        enabled: Type.Boolean({ description: 'Expose the service through an Ingress (devices that download over the internet).', default: false }),
        className: Type.String({ description: 'IngressClass (the cluster default when empty).', default: '' }),
        host: Type.String({ description: 'Host name of the Ingress.', default: 'firmware.example.com', pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' }),
        tlsSecretName: Type.String({ description: 'Secret with the TLS certificate of the host (no TLS when empty).', default: '' }),
        annotations: Type.Record(Type.String(), Type.String(), { description: 'Annotations of the Ingress (e.g. cert-manager.io/cluster-issuer).', default: {} }),
      },
      { description: 'Optional Ingress.', additionalProperties: false },
    ),
    resources: Type.Object(
      {},
      { description: 'Container resources.', additionalProperties: true, default: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } } },
    ),
  },
  { description: 'The artifact service: firmware uploads, build Jobs, downloads and signed links.', additionalProperties: false },
);

const on = isSet('artifacts.enabled');
const filesystem = allOf(on, isUnset('artifacts.s3.enabled'));
const image = (prefix: string): Node =>
  when(isSet('image.digest'), format`${prefix}${v('image.repository')}@${v('image.digest')}`, format`${prefix}${v('image.repository')}:${v('image.tag')}`);
const inClusterUrl = (prefix: string) => format`${prefix}http://${ARTIFACTS_NAME}.${releaseNamespace()}.svc:${String(ARTIFACTS_PORT)}`;
const meta = (namespace: Node = releaseNamespace()) => ({ name: ARTIFACTS_NAME, namespace, labels: labels(ARTIFACTS_COMPONENT) });
const rule = (apiGroups: string[], resources: string[], verbs: string[], resourceNames?: string[]): PolicyRule =>
  resourceNames ? { apiGroups, resources, verbs, resourceNames } : { apiGroups, resources, verbs };
const rules = (list: readonly PolicyRule[]): Node[] => list.map((r) => ({ ...r }));

/** What the artifact service does in each namespace it watches. */
export const ARTIFACTS_WATCHED_RULES: PolicyRule[] = [
  rule([GROUP], ['firmwares'], ['get', 'list', 'watch', 'patch']),
  rule([GROUP], ['firmwares/status'], ['update']),
  rule([GROUP], ['deviceclasses'], ['list', 'watch']),
  rule([GROUP], ['devices'], ['get']),
  rule(['batch'], ['jobs'], ['list', 'watch', 'create', 'delete']),
  // Upload tokens (made, checked, used up), the namespace's signing key, device config for signed links.
  rule([''], ['secrets'], ['get', 'create', 'delete', 'deletecollection']),
  rule([''], ['pods'], ['list']),
  rule([''], ['pods/log'], ['get']),
  rule([''], ['events'], ['create']),
];

const subjects = () => [{ kind: 'ServiceAccount', name: ARTIFACTS_NAME, namespace: releaseNamespace() }];
const roleRef = (kind: 'Role' | 'ClusterRole', name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind, name });
const withWhen = (condition: Condition, doc: Omit<Document, 'when'>): Document => ({ ...doc, when: condition });

function rbacDocuments(): Document[] {
  const all = allOf(on, isUnset('operator.watchNamespaces'));
  return [
    withWhen(all, { object: { apiVersion: RBAC_API, kind: 'ClusterRole', metadata: { name: ARTIFACTS_NAME, labels: labels(ARTIFACTS_COMPONENT) }, rules: rules(ARTIFACTS_WATCHED_RULES) } }),
    withWhen(all, {
      object: { apiVersion: RBAC_API, kind: 'ClusterRoleBinding', metadata: { name: ARTIFACTS_NAME, labels: labels(ARTIFACTS_COMPONENT) }, roleRef: roleRef('ClusterRole', ARTIFACTS_NAME), subjects: subjects() },
    }),
    withWhen(on, { each: 'operator.watchNamespaces', object: { apiVersion: RBAC_API, kind: 'Role', metadata: meta(item()), rules: rules(ARTIFACTS_WATCHED_RULES) } }),
    withWhen(on, { each: 'operator.watchNamespaces', object: { apiVersion: RBAC_API, kind: 'RoleBinding', metadata: meta(item()), roleRef: roleRef('Role', ARTIFACTS_NAME), subjects: subjects() } }),
    withWhen(on, {
      object: {
        apiVersion: RBAC_API,
        kind: 'Role',
        metadata: { name: ARTIFACTS_OWN_ROLE, namespace: releaseNamespace(), labels: labels(ARTIFACTS_COMPONENT) },
        rules: rules([rule([''], ['secrets'], ['get'], [ARTIFACTS_URL_KEY_SECRET]), rule([''], ['secrets'], ['create'])]),
      },
    }),
    withWhen(on, {
      object: {
        apiVersion: RBAC_API,
        kind: 'RoleBinding',
        metadata: { name: ARTIFACTS_OWN_ROLE, namespace: releaseNamespace(), labels: labels(ARTIFACTS_COMPONENT) },
        roleRef: roleRef('Role', ARTIFACTS_OWN_ROLE),
        subjects: subjects(),
      },
    }),
  ];
}

function deployment(): Document {
  return withWhen(on, {
    object: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(),
      spec: {
        // One replica: the Firmware controller in it has no leader election, and the filesystem store is ReadWriteOnce.
        replicas: 1,
        revisionHistoryLimit: 3,
        selector: { matchLabels: selectorLabels(ARTIFACTS_COMPONENT) },
        strategy: { type: 'Recreate' },
        template: {
          metadata: { labels: labels(ARTIFACTS_COMPONENT) },
          spec: {
            serviceAccountName: ARTIFACTS_NAME,
            automountServiceAccountToken: true,
            imagePullSecrets: when(isSet('imagePullSecrets'), v('imagePullSecrets')),
            securityContext: { runAsNonRoot: true, runAsUser: RUN_AS_USER, runAsGroup: RUN_AS_USER, fsGroup: RUN_AS_USER, seccompProfile: { type: 'RuntimeDefault' } },
            terminationGracePeriodSeconds: 30,
            containers: [
              {
                name: 'artifacts',
                image: image(''),
                imagePullPolicy: v('image.pullPolicy'),
                args: [
                  'artifacts',
                  when(isSet('operator.watchNamespaces'), format`--namespace=${join('operator.watchNamespaces', ',')}`),
                  `--port=${ARTIFACTS_PORT}`,
                  when(isSet('artifacts.publicUrl'), format`--public-url=${v('artifacts.publicUrl')}`, inClusterUrl('--public-url=')),
                  inClusterUrl('--internal-url='),
                  when(isSet('artifacts.s3.enabled'), '--store=s3', '--store=filesystem'),
                  when(isUnset('artifacts.s3.enabled'), `--data-dir=${ARTIFACTS_DATA_DIR}`),
                  when(isSet('artifacts.s3.enabled'), format`--s3-bucket=${v('artifacts.s3.bucket')}`),
                  when(allOf(isSet('artifacts.s3.enabled'), isSet('artifacts.s3.endpoint')), format`--s3-endpoint=${v('artifacts.s3.endpoint')}`),
                  when(isSet('artifacts.s3.enabled'), format`--s3-region=${v('artifacts.s3.region')}`),
                  when(allOf(isSet('artifacts.s3.enabled'), isSet('artifacts.s3.prefix')), format`--s3-prefix=${v('artifacts.s3.prefix')}`),
                  when(isSet('artifacts.s3.enabled'), `--staging-dir=${ARTIFACTS_STAGING_DIR}`),
                  format`--builder-image=${v('artifacts.builder.image')}`,
                  image('--uploader-image='),
                  format`--build-start-timeout=${v('artifacts.builder.startTimeoutSeconds')}`,
                  format`--log-level=${v('artifacts.logLevel')}`,
                  format`--log-format=${v('operator.logFormat')}`,
                ],
                env: [
                  // The signed-URL key Secret lives in the service's own namespace.
                  { name: 'KUBEFLASH_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                ],
                envFrom: when(allOf(isSet('artifacts.s3.enabled'), isSet('artifacts.s3.credentialsSecret')), [{ secretRef: { name: v('artifacts.s3.credentialsSecret') } }]),
                ports: [{ name: ARTIFACTS_PORT_NAME, containerPort: ARTIFACTS_PORT, protocol: 'TCP' }],
                // The service listens only once its caches are synced (and the store is open).
                readinessProbe: { httpGet: { path: '/readyz', port: ARTIFACTS_PORT_NAME }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
                livenessProbe: { httpGet: { path: '/healthz', port: ARTIFACTS_PORT_NAME }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 6 },
                resources: v('artifacts.resources'),
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
                volumeMounts: [
                  { name: 'tmp', mountPath: '/tmp' },
                  when(isUnset('artifacts.s3.enabled'), { name: 'data', mountPath: ARTIFACTS_DATA_DIR }),
                  when(isSet('artifacts.s3.enabled'), { name: 'staging', mountPath: ARTIFACTS_STAGING_DIR }),
                ],
              },
            ],
            volumes: [
              { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
              // Uploads to the S3 store are staged on local disk first (the filesystem store stages on its claim).
              when(isSet('artifacts.s3.enabled'), { name: 'staging', emptyDir: { sizeLimit: v('artifacts.s3.stagingSize') } }),
              when(isUnset('artifacts.s3.enabled'), {
                name: 'data',
                persistentVolumeClaim: { claimName: when(isSet('artifacts.persistence.existingClaim'), v('artifacts.persistence.existingClaim'), ARTIFACTS_NAME) },
              }),
            ],
          },
        },
      },
    },
  });
}

/** The artifact service: ServiceAccount, RBAC, Deployment, Service, PersistentVolumeClaim, optional Ingress. */
export const artifactsComponent: Component = {
  name: 'artifacts',
  title: 'The artifact service: ServiceAccount, RBAC, Deployment, Service, PersistentVolumeClaim (or S3), optional Ingress.',
  values: { artifacts: artifactsValues },
  notes: [
    '{{- if $.Values.artifacts.enabled }}',
    'The artifact service (firmware uploads, build Jobs, downloads):',
    '  kubectl -n {{ $.Release.Namespace }} rollout status deployment/' + ARTIFACTS_NAME,
    '  kubeflash firmware upload <firmware> -n <namespace> --build-dir build --url <artifact service URL>',
    '{{- end }}',
  ],
  documents: (): Document[] => [
    withWhen(on, { object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(), automountServiceAccountToken: false } }),
    ...rbacDocuments(),
    withWhen(allOf(filesystem, isUnset('artifacts.persistence.existingClaim')), {
      object: {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: meta(),
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: when(isSet('artifacts.persistence.storageClassName'), v('artifacts.persistence.storageClassName')),
          resources: { requests: { storage: v('artifacts.persistence.size') } },
        },
      },
    }),
    deployment(),
    withWhen(on, {
      object: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: meta(),
        spec: { type: 'ClusterIP', selector: selectorLabels(ARTIFACTS_COMPONENT), ports: [{ name: ARTIFACTS_PORT_NAME, port: ARTIFACTS_PORT, targetPort: ARTIFACTS_PORT_NAME, protocol: 'TCP' }] },
      },
    }),
    withWhen(allOf(on, isSet('artifacts.ingress.enabled')), {
      object: {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { ...meta(), annotations: when(isSet('artifacts.ingress.annotations'), v('artifacts.ingress.annotations')) },
        spec: {
          ingressClassName: when(isSet('artifacts.ingress.className'), v('artifacts.ingress.className')),
          tls: when(isSet('artifacts.ingress.tlsSecretName'), [{ hosts: [v('artifacts.ingress.host')], secretName: v('artifacts.ingress.tlsSecretName') }]),
          rules: [
            {
              host: v('artifacts.ingress.host'),
              http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: ARTIFACTS_NAME, port: { name: ARTIFACTS_PORT_NAME } } } }] },
            },
          ],
        },
      },
    }),
  ],
};
