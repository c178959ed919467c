import { createHash } from 'node:crypto';
import { compareGroups, compareVersions } from './group-priority';
import { apiVersionOf, type Registry, type ResourceType } from './registry';

/** The server version devcluster reports (the Kubernetes API level it imitates). */
export const SERVER_VERSION = {
  major: '1',
  minor: '36',
  gitVersion: 'v1.36.0-devcluster',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.25.0',
  compiler: 'gc',
  platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
};

/** discovery.StorageVersionHash: the first 8 bytes of sha256("<group>/<version>/<kind>") of the storage version, base64. */
export function storageVersionHash(t: ResourceType): string {
  const gv = t.storageVersion ?? { group: t.group, version: t.version };
  return createHash('sha256').update(`${gv.group}/${gv.version}/${t.kind}`).digest().subarray(0, 8).toString('base64');
}

const SUBRESOURCE_VERBS: Record<string, { verbs: string[]; kind?: string; group?: string; version?: string }> = {
  status: { verbs: ['get', 'patch', 'update'] },
  finalize: { verbs: ['update'] },
  approval: { verbs: ['get', 'patch', 'update'] },
  token: { verbs: ['create'], kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1' },
};

/** Subresources of a type, in discovery's order. */
function subresourcesOf(t: ResourceType): string[] {
  const out: string[] = [];
  if (t.plural === 'namespaces' && !t.group) out.push('finalize');
  if (t.statusSubresource) out.push('status');
  for (const s of t.subresources ?? []) if (!out.includes(s)) out.push(s);
  return out;
}

/** `/api`: the legacy core group versions. */
export function apiVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

interface ServedGroup {
  group: string;
  /** Served versions, in kube-apiserver's order (the first is the preferred one). */
  versions: string[];
}

/** Every served group in kube-aggregator's order, with its versions in priority order. */
function servedGroups(registry: Registry): ServedGroup[] {
  return registry
    .groups()
    .map((g) => ({ group: g.group, versions: [...g.versions].sort((a, b) => compareVersions(g.group, a, b)) }))
    .sort((a, b) => compareGroups(a.group, b.group));
}

function groupEntry(g: ServedGroup): Record<string, unknown> {
  const preferred = g.versions[0];
  return {
    name: g.group,
    versions: g.versions.map((v) => ({ groupVersion: `${g.group}/${v}`, version: v })),
    preferredVersion: { groupVersion: `${g.group}/${preferred}`, version: preferred },
  };
}

/** `/apis`: every named group, in kube-aggregator's order (apiregistration.k8s.io first, CRD groups last). */
export function apiGroupList(registry: Registry): Record<string, unknown> {
  const groups = servedGroups(registry).filter((g) => g.group !== '');
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map(groupEntry) };
}

/** `/apis/<group>`, or undefined when the group is not served. */
export function apiGroup(registry: Registry, group: string): Record<string, unknown> | undefined {
  const g = servedGroups(registry).find((x) => x.group === group);
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(g) } : undefined;
}

/** `/api/v1` or `/apis/<group>/<version>`: the resources with verbs, short names, categories and subresources. */
export function apiResourceList(registry: Registry, group: string, version: string): Record<string, unknown> | undefined {
  const types = registry.inGroupVersion(group, version).sort((a, b) => a.plural.localeCompare(b.plural));
  if (types.length === 0) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const t of types) {
    const entry: Record<string, unknown> = { name: t.plural, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs: t.verbs };
    if (t.shortNames.length) entry.shortNames = t.shortNames;
    if (t.categories.length) entry.categories = t.categories;
    if (!t.virtual) entry.storageVersionHash = storageVersionHash(t);
    resources.push(entry);
    for (const sub of subresourcesOf(t)) {
      const s = SUBRESOURCE_VERBS[sub] ?? { verbs: ['get'] };
      const subEntry: Record<string, unknown> = { name: `${t.plural}/${sub}`, singularName: '', namespaced: t.namespaced, kind: s.kind ?? t.kind, verbs: s.verbs };
      if (s.group !== undefined) Object.assign(subEntry, { group: s.group, version: s.version });
      resources.push(subEntry);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({ group, version }), resources };
}

/** The aggregated discovery document (apidiscovery.k8s.io/v2 APIGroupDiscoveryList) of `/api` (core) or `/apis` (named groups). */
export function aggregatedDiscovery(registry: Registry, core: boolean): Record<string, unknown> {
  const groups = servedGroups(registry).filter((g) => (g.group === '') === core);
  const items = groups.map((g) => {
    const versions = g.versions.map((version) => {
      const resources = registry
        .inGroupVersion(g.group, version)
        .sort((a, b) => a.plural.localeCompare(b.plural))
        .map((t) => {
          const r: Record<string, unknown> = {
            resource: t.plural,
            responseKind: { group: t.group, version: t.version, kind: t.kind },
            scope: t.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: t.singular,
            verbs: t.verbs,
          };
          if (t.shortNames.length) r.shortNames = t.shortNames;
          if (t.categories.length) r.categories = t.categories;
          const subs = subresourcesOf(t).map((sub) => {
            const s = SUBRESOURCE_VERBS[sub] ?? { verbs: ['get'] };
            return { subresource: sub, responseKind: { group: s.group ?? t.group, version: s.version ?? t.version, kind: s.kind ?? t.kind }, verbs: s.verbs };
          });
          if (subs.length) r.subresources = subs;
          return r;
        });
      return { version, resources, freshness: 'Current' };
    });
    return { metadata: g.group ? { name: g.group } : {}, versions };
  });
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}
