import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { KIND_DEFINITIONS, type KindDefinition } from '../v1alpha1/index';
import { crdFileName, crdYaml, kindSourcePath } from './crd';
import { documentedConstants } from './constant-docs';
import { referenceMarkdown, type KindConstants } from './reference';

/** Root of the repository (four levels above this file). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** Folder of the generated CRDs, relative to the repository root. */
export const CRD_DIR = 'charts/kubeflash/crds';
/** The generated CRD reference, relative to the repository root. */
export const REFERENCE_DOC = 'docs/crd-reference.md';

/** One generated file: path relative to the repository root, and its full content. */
export interface GeneratedFile {
  path: string;
  content: string;
}

async function kindConstants(def: KindDefinition, root: string): Promise<KindConstants> {
  const source = await readFile(join(root, kindSourcePath(def)), 'utf8');
  return {
    conditionTypes: documentedConstants(source, `${def.names.kind}ConditionType`),
    reasons: documentedConstants(source, `${def.names.kind}Reason`),
  };
}

/** Every file `npm run generate` writes: one CRD per kind and the reference doc. Pure apart from reading sources. */
export async function generatedFiles(root = REPO_ROOT): Promise<GeneratedFile[]> {
  const constants = new Map<KindDefinition, KindConstants>();
  for (const def of KIND_DEFINITIONS) constants.set(def, await kindConstants(def, root));
  return [
    ...KIND_DEFINITIONS.map((def) => ({ path: `${CRD_DIR}/${crdFileName(def)}`, content: crdYaml(def) })),
    { path: REFERENCE_DOC, content: referenceMarkdown(KIND_DEFINITIONS, (def) => constants.get(def) as KindConstants) },
  ];
}
