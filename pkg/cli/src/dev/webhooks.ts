import { AdmissionregistrationV1Api, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { WEBHOOK_CONFIGURATION_NAME, installObjects } from '@kubeflash/install';

const WEBHOOK_KINDS = ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'];

/** The webhook configurations of the install, pointing at this process's webhook server by URL. */
export function devWebhookConfigurations(port: number, caBundlePem: string): KubernetesObject[] {
  const webhookClient = { url: `https://127.0.0.1:${port}`, caBundle: Buffer.from(caBundlePem).toString('base64') };
  return installObjects({ webhookClient, namespaceObject: false }).filter((o) => WEBHOOK_KINDS.includes(String(o.kind))) as KubernetesObject[];
}

/** Removes the dev webhook configurations (they point at a port that is about to close). */
export async function unregisterDevWebhooks(kubeConfig: KubeConfig): Promise<void> {
  const api = kubeConfig.makeApiClient(AdmissionregistrationV1Api);
  await Promise.allSettled([
    api.deleteValidatingWebhookConfiguration({ name: WEBHOOK_CONFIGURATION_NAME }),
    api.deleteMutatingWebhookConfiguration({ name: WEBHOOK_CONFIGURATION_NAME }),
  ]);
}
