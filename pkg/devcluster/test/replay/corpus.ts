import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import type { Case } from './case';
import type { ReplayHttp } from './http';
import { USER_AGENT } from './runner';

/** The recorded corpus in the repository (copied with its README and SHA256SUMS). */
export const CORPUS_DIR = fileURLToPath(new URL('../kube-apiserver/', import.meta.url));
/** Cases recorded for behaviour devcluster added later (same format, expectations cited in titles). */
export const EXTRA_DIR = join(CORPUS_DIR, 'extra');

export function loadCases(dir = join(CORPUS_DIR, 'cases')): Case[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const c = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Case;
      if (`${c.id}.json` !== f) throw new Error(`${join(dir, f)}: its id is "${c.id}"`);
      return c;
    });
}

function loadCrds(dir = join(CORPUS_DIR, 'crds')): Record<string, unknown>[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => yaml.load(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Applies the corpus CRDs (create, or replace when they exist) and waits until each is Established
 * and its resources are served.
 */
export async function applyCorpusCrds(http: ReplayHttp, timeoutMs = 30_000): Promise<void> {
  const headers = { 'User-Agent': USER_AGENT, Accept: 'application/json', 'Content-Type': 'application/json' };
  const base = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
  for (const crd of loadCrds()) {
    const name = (crd.metadata as { name: string }).name;
    const created = await http.send({ method: 'POST', path: base, headers, body: JSON.stringify(crd), auth: 'admin' });
    if (created.status === 409) {
      const current = JSON.parse((await http.send({ method: 'GET', path: `${base}/${name}`, headers, auth: 'admin' })).text) as { metadata: { resourceVersion: string } };
      const body = { ...crd, metadata: { ...(crd.metadata as object), resourceVersion: current.metadata.resourceVersion } };
      const replaced = await http.send({ method: 'PUT', path: `${base}/${name}`, headers, body: JSON.stringify(body), auth: 'admin' });
      if (replaced.status !== 200) throw new Error(`replacing CRD ${name}: ${replaced.status} ${replaced.text.slice(0, 300)}`);
    } else if (created.status !== 201) {
      throw new Error(`creating CRD ${name}: ${created.status} ${created.text.slice(0, 300)}`);
    }
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = JSON.parse((await http.send({ method: 'GET', path: `${base}/${name}`, headers, auth: 'admin' })).text) as {
        spec: { group: string; names: { plural: string }; versions: { name: string; served: boolean }[] };
        status?: { conditions?: { type: string; status: string }[] };
      };
      const established = got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
      const version = got.spec.versions.find((v) => v.served)?.name ?? '';
      const served = established && (await http.send({ method: 'GET', path: `/apis/${got.spec.group}/${version}/${got.spec.names.plural}`, query: { limit: '1' }, headers, auth: 'admin' })).status === 200;
      if (served) break;
      if (Date.now() > deadline) throw new Error(`CRD ${name} is not Established and served after ${timeoutMs} ms`);
      await sleep(100);
    }
  }
}
