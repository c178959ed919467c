import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { load } from 'js-yaml';
import { DEFAULT_NAMESPACE, INSTALL_VERSION, InvalidValuesError, installObjects, manifestsYaml, type Json, type PlainObject } from '@kubeflash/install';
import { readManifestDir } from '@kubeflash/operator/kube';
import { crdDir } from '@kubeflash/operator/paths';
import { UsageError, parseNamespaces } from '@kubeflash/operator/cli';

interface ManifestsOptions {
  namespace: string;
  values?: string;
  crds: boolean;
  output?: string;
}

/** `kubeflash manifests`: the chart's objects with its default values (or a values file), as plain YAML for kubectl apply. */
export function registerManifestsCommand(program: Command): void {
  program
    .command('manifests')
    .description('print the install (Namespace, CRDs, operator, RBAC, webhooks, roles) as YAML for `kubectl apply`: the Helm chart\'s objects with its values')
    .option('--namespace <namespace>', 'namespace of the operator', DEFAULT_NAMESPACE)
    .option('--values <file>', 'a values file, as for `helm install --values` (checked against values.schema.json)')
    .option('--no-crds', 'leave out the CustomResourceDefinitions')
    .option('--output <file>', 'write to this file instead of standard output')
    .action((options: ManifestsOptions) => runManifests(options));
}

async function readValues(file: string): Promise<{ [key: string]: Json }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read the values file ${file}: ${(err as Error).message}`);
  }
  let values: unknown;
  try {
    values = load(text, { filename: file });
  } catch (err) {
    throw new UsageError(`the values file ${file} is not YAML: ${(err as Error).message}`);
  }
  if (values === undefined || values === null) return {};
  if (typeof values !== 'object' || Array.isArray(values)) throw new UsageError(`the values file ${file} must hold a map of values`);
  return values as { [key: string]: Json };
}

async function runManifests(options: ManifestsOptions): Promise<void> {
  const [namespace] = parseNamespaces(options.namespace, '--namespace');
  if (options.namespace.includes(',')) throw new UsageError('--namespace takes one namespace');
  const values = options.values ? await readValues(resolve(options.values)) : {};
  const crds = options.crds ? (await readManifestDir(crdDir)).map((m) => m.object as unknown as PlainObject) : [];
  let objects: PlainObject[];
  try {
    objects = installObjects({ namespace, values, crds });
  } catch (err) {
    if (err instanceof InvalidValuesError) throw new UsageError(`${options.values ?? 'values'}: ${err.message}`);
    throw err;
  }
  const header = `kubeflash ${INSTALL_VERSION}: kubeflash manifests --namespace ${namespace}${options.values ? ` --values ${options.values}` : ''}\nthe objects of the Helm chart charts/kubeflash, rendered with its values; apply with kubectl apply --server-side -f <file>`;
  const yaml = manifestsYaml(objects, header);
  if (options.output) {
    await writeFile(options.output, yaml);
    return;
  }
  // `kubeflash manifests | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
  process.stdout.write(yaml);
}
