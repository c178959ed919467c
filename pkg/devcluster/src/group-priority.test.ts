import { builtinTypes } from './builtins';
import { aggregatedDiscovery, apiGroupList } from './discovery';
import { compareKubeAwareVersions } from './group-priority';
import { Registry, type ResourceType } from './registry';

function registryWithCrdGroup(): Registry {
  const registry = new Registry();
  for (const t of builtinTypes()) registry.add(t);
  const job = builtinTypes().find((t) => t.plural === 'jobs') as ResourceType;
  for (const version of ['v1alpha1', 'v1', 'v1beta1']) registry.add({ ...job, group: 'example.dev', version, kind: 'Widget', plural: 'widgets', storageKey: 'example.dev/widgets' });
  return registry;
}

describe('discovery order', () => {
  // kube-apiserver v1.36 lists its default groups in this order (apiVersionPriorities, highest
  // first; apiregistration first; equal priorities by name); CRD groups (priority 1000) come last.
  const KUBE_APISERVER_ORDER = [
    'apiregistration.k8s.io',
    'apps',
    'events.k8s.io',
    'authentication.k8s.io',
    'authorization.k8s.io',
    'autoscaling',
    'batch',
    'certificates.k8s.io',
    'networking.k8s.io',
    'policy',
    'rbac.authorization.k8s.io',
    'storage.k8s.io',
    'admissionregistration.k8s.io',
    'apiextensions.k8s.io',
    'scheduling.k8s.io',
    'coordination.k8s.io',
    'node.k8s.io',
    'discovery.k8s.io',
    'resource.k8s.io',
    'flowcontrol.apiserver.k8s.io',
    'example.dev',
  ];

  test('/apis lists groups in kube-aggregator priority order, versions by priority', () => {
    const list = apiGroupList(registryWithCrdGroup()) as { groups: { name: string; versions: { version: string }[]; preferredVersion: { version: string } }[] };
    expect(list.groups.map((g) => g.name)).toEqual(KUBE_APISERVER_ORDER);
    const autoscaling = list.groups.find((g) => g.name === 'autoscaling');
    expect(autoscaling?.versions.map((v) => v.version)).toEqual(['v2', 'v1']);
    expect(autoscaling?.preferredVersion.version).toBe('v2');
    const crd = list.groups.find((g) => g.name === 'example.dev');
    expect(crd?.versions.map((v) => v.version)).toEqual(['v1', 'v1beta1', 'v1alpha1']);
  });

  test('aggregated discovery uses the same order', () => {
    const doc = aggregatedDiscovery(registryWithCrdGroup(), false) as { items: { metadata: { name: string }; versions: { version: string }[] }[] };
    expect(doc.items.map((i) => i.metadata.name)).toEqual(KUBE_APISERVER_ORDER);
    expect(doc.items.find((i) => i.metadata.name === 'autoscaling')?.versions.map((v) => v.version)).toEqual(['v2', 'v1']);
  });

  test('Kubernetes version order (apimachinery CompareKubeAwareVersionStrings)', () => {
    const shuffled = ['foo10', 'v11alpha2', 'v1', 'v3beta1', 'v10', 'foo1', 'v12alpha1', 'v2', 'v10beta3', 'v11beta2'];
    expect(shuffled.sort(compareKubeAwareVersions)).toEqual(['v10', 'v2', 'v1', 'v11beta2', 'v10beta3', 'v3beta1', 'v12alpha1', 'v11alpha2', 'foo1', 'foo10']);
  });
});
