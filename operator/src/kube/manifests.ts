import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import type { KubernetesObject } from '@kubernetes/client-node';

/** A manifest together with where it came from, so errors can name the file. */
export interface SourcedManifest {
  object: KubernetesObject;
  file: string;
}

/** Parses a multi-document YAML text into Kubernetes objects, skipping empty documents. */
export function parseManifests(text: string, file: string): SourcedManifest[] {
  const documents = loadAll(text, undefined, { filename: file });
  return documents
    .filter((doc): doc is Record<string, unknown> => doc !== null && typeof doc === 'object')
    .map((doc, index) => {
      if (typeof doc.apiVersion !== 'string' || typeof doc.kind !== 'string') {
        throw new Error(`${file}: document ${index + 1} has no apiVersion/kind`);
      }
      return { object: doc as KubernetesObject, file };
    });
}

/** Reads every *.yaml / *.yml file of a folder (not recursive), in file-name order. */
export async function readManifestDir(dir: string): Promise<SourcedManifest[]> {
  const names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  const all: SourcedManifest[] = [];
  for (const name of names) {
    const file = join(dir, name);
    all.push(...parseManifests(await readFile(file, 'utf8'), file));
  }
  return all;
}

const kindOrder = ['CustomResourceDefinition', 'Namespace', 'ServiceAccount', 'Secret', 'ConfigMap'];

/** Orders manifests so that what others depend on (CRDs, namespaces, Secrets) is applied first. */
export function dependencyOrder(manifests: SourcedManifest[]): SourcedManifest[] {
  const rank = (m: SourcedManifest): number => {
    const i = kindOrder.indexOf(m.object.kind ?? '');
    return i === -1 ? kindOrder.length : i;
  };
  return manifests
    .map((m, index) => ({ m, index }))
    .sort((a, b) => rank(a.m) - rank(b.m) || a.index - b.index)
    .map(({ m }) => m);
}
