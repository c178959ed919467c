import { resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

/** Loads a kubeconfig file, or the default one ($KUBECONFIG, ~/.kube/config, in-cluster). */
export function loadKubeConfig(path?: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (path) kc.loadFromFile(resolve(path));
    else kc.loadFromDefault();
  } catch (err) {
    throw new Error(`cannot read kubeconfig${path ? ` ${path}` : ''}: ${(err as Error).message}`);
  }
  return kc;
}

/** The namespace of the kubeconfig's current context, or `default`. */
export function contextNamespace(kc: KubeConfig): string {
  return kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
}
