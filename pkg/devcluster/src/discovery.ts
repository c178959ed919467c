import { createHash } from 'node:crypto';
import { apiVersionOf, type Registry, type ResourceType } from './registry';

/** The server version devcluster reports (the Kubernetes API level it imitates). */
export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-devcluster',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
};

function storageVersionHash(t: ResourceType): string {
  return createHash('sha256').update(`${t.group}/${t.version}/${t.kind}`).digest('base64').slice(0, 11);
}

/** `/api`: the legacy core group versions. */
export function apiVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupEntry(g: { group: string; versions: string[]; preferred: string }): Record<string, unknown> {
  return {
    name: g.group,
    versions: g.versions.map((v) => ({ groupVersion: `${g.group}/${v}`, version: v })),
    preferredVersion: { groupVersion: `${g.group}/${g.preferred}`, version: g.preferred },
  };
}

/** `/apis`: every named group. */
export function apiGroupList(registry: Registry): Record<string, unknown> {
  const groups = registry
    .groups()
    .filter((g) => g.group !== '')
    .sort((a, b) => a.group.localeCompare(b.group));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map(groupEntry) };
}

/** `/apis/<group>`, or undefined when the group is not served. */
export function apiGroup(registry: Registry, group: string): Record<string, unknown> | undefined {
  const g = registry.groups().find((x) => x.group === group);
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
    entry.storageVersionHash = storageVersionHash(t);
    resources.push(entry);
    if (t.statusSubresource) resources.push({ name: `${t.plural}/status`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs: ['get', 'patch', 'update'] });
    if (t.plural === 'namespaces' && !t.group) resources.push({ name: 'namespaces/finalize', singularName: '', namespaced: false, kind: 'Namespace', verbs: ['update'] });
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({ group, version }), resources };
}
