/** Everything a webhook's AdmissionReview request describes (admission.k8s.io/v1). */
export interface AdmissionAttributes {
  operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  kind: { group: string; version: string; kind: string };
  resource: { group: string; version: string; resource: string };
  subResource?: string;
  name: string;
  namespace?: string;
  object?: Record<string, unknown>;
  oldObject?: Record<string, unknown>;
  dryRun: boolean;
  userInfo: { username: string; groups: string[] };
  /** When present, warnings returned by webhooks are appended (for the `Warning` response header). */
  warnings?: string[];
}

/**
 * The admission phase of a write. `mutate` runs matching MutatingWebhookConfigurations in order and
 * returns the (possibly patched) object; `validate` runs every matching
 * ValidatingWebhookConfiguration and throws a StatusError (403 or the webhook's code) on denial.
 * failurePolicy, namespaceSelector, objectSelector, rules, timeoutSeconds and caBundle are honoured.
 */
export interface AdmissionChain {
  mutate(attrs: AdmissionAttributes): Promise<Record<string, unknown> | undefined>;
  validate(attrs: AdmissionAttributes): Promise<void>;
}

/** Read access to the webhook configurations currently stored, plus namespace labels for selectors. */
export interface AdmissionSource {
  mutatingWebhookConfigurations(): Record<string, unknown>[];
  validatingWebhookConfigurations(): Record<string, unknown>[];
  namespaceLabels(namespace: string): Record<string, string> | undefined;
}
