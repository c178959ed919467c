// Names shared by the install objects and the operator process (which must find its own webhook configurations,
// serving-certificate Secret and Service). Browser-safe constants only: the operator bundle imports this file.

/** Labels every install object carries (app.kubernetes.io recommended labels). */
export const APP_NAME = 'kubeflash';
/** app.kubernetes.io/component of the operator's objects. */
export const OPERATOR_COMPONENT = 'operator';

/** ServiceAccount, Deployment, Service and Lease of the operator. */
export const OPERATOR_NAME = 'kubeflash-operator';
/** The leader-election Lease (in the operator's namespace). */
export const LEADER_LEASE_NAME = 'kubeflash-operator';

/** Port of /healthz, /readyz and /metrics in the operator container. */
export const HEALTH_PORT = 8080;
/** HTTPS port of the admission webhooks in the operator container. */
export const WEBHOOK_PORT = 9443;
/** Port of the webhooks on the operator's Service (what the API server calls). */
export const WEBHOOK_SERVICE_PORT = 443;
/** Name of the metrics port (ServiceMonitor endpoints refer to it). */
export const METRICS_PORT_NAME = 'http-metrics';
/** Name of the webhook port. */
export const WEBHOOK_PORT_NAME = 'https-webhook';

/** Name of both the MutatingWebhookConfiguration and the ValidatingWebhookConfiguration. */
export const WEBHOOK_CONFIGURATION_NAME = 'kubeflash';
/** The validating webhook (one entry for all six kinds). */
export const VALIDATING_WEBHOOK_NAME = 'validate.kubeflash.dev';
/** The mutating webhook (defaults the schema cannot set). */
export const MUTATING_WEBHOOK_NAME = 'default.kubeflash.dev';
/** URL paths of the webhooks on the operator's HTTPS server. */
export const VALIDATE_PATH = '/validate';
export const MUTATE_PATH = '/mutate';
/** Secret (operator namespace) with the webhook serving certificate: tls.crt, tls.key, ca.crt. */
export const WEBHOOK_CERT_SECRET_NAME = 'kubeflash-webhook-tls';
/** cert-manager Certificate and Issuer making that Secret when `webhooks.certManager.enabled`. */
export const WEBHOOK_CERTIFICATE_NAME = 'kubeflash-webhook';
export const WEBHOOK_ISSUER_NAME = 'kubeflash-selfsigned';

/** Who makes the webhook serving certificate. */
export const WebhookCertSource = {
  /** The operator makes a CA and a serving certificate, keeps them in the Secret, patches caBundle, renews them. */
  Operator: 'operator',
  /** cert-manager fills the Secret and injects caBundle; the operator only reads the Secret. */
  CertManager: 'cert-manager',
} as const;
/** One of the certificate sources. */
export type WebhookCertSource = (typeof WebhookCertSource)[keyof typeof WebhookCertSource];

/** Namespaces whose objects the webhooks never see (their failure must never block the control plane). */
export const WEBHOOK_EXCLUDED_NAMESPACES = ['kube-system'] as const;

/** Names of the user-facing ClusterRoles (aggregated into admin/edit/view). */
export const UserRole = {
  Admin: 'kubeflash-admin',
  ClusterManager: 'kubeflash-cluster-manager',
  DeviceManager: 'kubeflash-device-manager',
  Viewer: 'kubeflash-viewer',
} as const;
/** One of the user-facing ClusterRoles. */
export type UserRole = (typeof UserRole)[keyof typeof UserRole];

/**
 * Role and RoleBinding the operator keeps in every namespace with Devices: `get` on exactly the config Secrets
 * of that namespace, bound to whoever is bound to kubeflash-device-manager there (Secrets cannot be granted by
 * label, so a ClusterRole cannot say "the config Secrets").
 */
export const DEVICE_CONFIG_ACCESS_NAME = 'kubeflash-device-config';

/** Default namespace of `kubeflash manifests` and the chart's documented install. */
export const DEFAULT_NAMESPACE = 'kubeflash-system';

/** app.kubernetes.io/component of the artifact service's objects. */
export const ARTIFACTS_COMPONENT = 'artifacts';
/** ServiceAccount, Deployment, Service, PersistentVolumeClaim and Ingress of the artifact service. */
export const ARTIFACTS_NAME = 'kubeflash-artifacts';
/** HTTP port of the artifact service (container and Service). */
export const ARTIFACTS_PORT = 8080;
/** Name of that port. */
export const ARTIFACTS_PORT_NAME = 'http';
/** Secret (artifact service namespace) with the key of signed URLs, made once by the service. */
export const ARTIFACTS_URL_KEY_SECRET = 'kubeflash-artifacts-url-key';
/** Where the filesystem store lives in the artifact service container. */
export const ARTIFACTS_DATA_DIR = '/var/lib/kubeflash/artifacts';
/** Where uploads to the S3 store are staged in the artifact service container (an emptyDir). */
export const ARTIFACTS_STAGING_DIR = '/var/lib/kubeflash/staging';
