// The install as plain objects (`kubeflash manifests`, `kubeflash dev`, the tests): every component's documents
// evaluated against the chart's default values (or overrides), in apply order.
import { dump } from 'js-yaml';
import { APP_NAME, DEFAULT_NAMESPACE } from './names';
import { COMPONENTS } from './components/index';
import type { WebhookClient } from './components/component';
import { evaluateDocuments, type Json, type PlainObject } from './template/plain';
import { resolveValues } from './values';

/** What to render. */
export interface InstallOptions {
  /** Namespace of the operator (the release namespace); default kubeflash-system. */
  namespace?: string;
  /** Values merged over the chart's defaults (validated against values.schema.json's schema). */
  values?: { [key: string]: Json };
  /** The CustomResourceDefinitions, applied right after the Namespace. */
  crds?: readonly PlainObject[];
  /** How the API server reaches the webhooks (default: the operator's Service). */
  webhookClient?: WebhookClient;
  /** Start with the Namespace object (default true). */
  namespaceObject?: boolean;
}

/** The Namespace of the install: labelled for the restricted Pod Security Standard, which the operator meets. */
export function namespaceObject(name: string): PlainObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'app.kubernetes.io/part-of': APP_NAME, 'pod-security.kubernetes.io/enforce': 'restricted' } },
  };
}

/** Every install object for these options, in apply order. */
export function installObjects(options: InstallOptions = {}): PlainObject[] {
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  const values = resolveValues(options.values);
  const webhookClient = options.webhookClient ?? { service: true };
  const objects: PlainObject[] = [];
  if (options.namespaceObject ?? true) objects.push(namespaceObject(namespace));
  objects.push(...(options.crds ?? []));
  for (const component of COMPONENTS) objects.push(...evaluateDocuments(component.documents({ webhookClient }), { values, namespace }));
  return objects;
}

/** Objects as one multi-document YAML stream (what `kubectl apply -f -` reads). */
export function manifestsYaml(objects: readonly PlainObject[], header?: string): string {
  const head = header ? `${header.split('\n').map((l) => `# ${l}`.trimEnd()).join('\n')}\n` : '';
  return head + objects.map((o) => `---\n${dump(o, { lineWidth: -1, noRefs: true, quotingType: '"' })}`).join('');
}
