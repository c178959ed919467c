/**
 * The rest of kube-apiserver v1.36's default API groups (GA versions, as a server without feature
 * gates or --runtime-config serves them): kubeflash never writes these kinds, but clients discover
 * them (`kubectl api-resources`, the namespace controller, RBAC tooling), so devcluster serves them
 * with their real names, scopes, short names, categories and subresources. Objects of these kinds
 * are stored with ObjectMeta validation only; no controller acts on them.
 */
import type { ResourceType } from './registry';

type Define = (spec: Partial<ResourceType> & Pick<ResourceType, 'group' | 'version' | 'kind' | 'plural'>) => ResourceType;

interface Entry {
  group: string;
  versions: string[];
  kind: string;
  plural: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  status?: boolean;
  subresources?: string[];
}

const ENTRIES: Entry[] = [
  { group: 'apiregistration.k8s.io', versions: ['v1'], kind: 'APIService', plural: 'apiservices', namespaced: false, categories: ['api-extensions'], status: true },
  { group: 'autoscaling', versions: ['v2', 'v1'], kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers', namespaced: true, shortNames: ['hpa'], categories: ['all'], status: true },
  { group: 'certificates.k8s.io', versions: ['v1'], kind: 'CertificateSigningRequest', plural: 'certificatesigningrequests', namespaced: false, shortNames: ['csr'], status: true, subresources: ['approval'] },
  { group: 'discovery.k8s.io', versions: ['v1'], kind: 'EndpointSlice', plural: 'endpointslices', namespaced: true },
  { group: 'flowcontrol.apiserver.k8s.io', versions: ['v1'], kind: 'FlowSchema', plural: 'flowschemas', namespaced: false, status: true },
  { group: 'flowcontrol.apiserver.k8s.io', versions: ['v1'], kind: 'PriorityLevelConfiguration', plural: 'prioritylevelconfigurations', namespaced: false, status: true },
  { group: 'networking.k8s.io', versions: ['v1'], kind: 'IngressClass', plural: 'ingressclasses', namespaced: false },
  { group: 'networking.k8s.io', versions: ['v1'], kind: 'Ingress', plural: 'ingresses', namespaced: true, shortNames: ['ing'], status: true },
  { group: 'networking.k8s.io', versions: ['v1'], kind: 'IPAddress', plural: 'ipaddresses', namespaced: false, shortNames: ['ip'] },
  { group: 'networking.k8s.io', versions: ['v1'], kind: 'NetworkPolicy', plural: 'networkpolicies', namespaced: true, shortNames: ['netpol'] },
  { group: 'networking.k8s.io', versions: ['v1'], kind: 'ServiceCIDR', plural: 'servicecidrs', namespaced: false, status: true },
  { group: 'node.k8s.io', versions: ['v1'], kind: 'RuntimeClass', plural: 'runtimeclasses', namespaced: false },
  { group: 'resource.k8s.io', versions: ['v1'], kind: 'DeviceClass', plural: 'deviceclasses', namespaced: false },
  { group: 'resource.k8s.io', versions: ['v1'], kind: 'ResourceClaim', plural: 'resourceclaims', namespaced: true, status: true },
  { group: 'resource.k8s.io', versions: ['v1'], kind: 'ResourceClaimTemplate', plural: 'resourceclaimtemplates', namespaced: true },
  { group: 'resource.k8s.io', versions: ['v1'], kind: 'ResourceSlice', plural: 'resourceslices', namespaced: false },
  { group: 'scheduling.k8s.io', versions: ['v1'], kind: 'PriorityClass', plural: 'priorityclasses', namespaced: false, shortNames: ['pc'] },
  { group: 'storage.k8s.io', versions: ['v1'], kind: 'CSIDriver', plural: 'csidrivers', namespaced: false },
  { group: 'storage.k8s.io', versions: ['v1'], kind: 'CSINode', plural: 'csinodes', namespaced: false },
  { group: 'storage.k8s.io', versions: ['v1'], kind: 'CSIStorageCapacity', plural: 'csistoragecapacities', namespaced: true },
  { group: 'storage.k8s.io', versions: ['v1'], kind: 'StorageClass', plural: 'storageclasses', namespaced: false, shortNames: ['sc'] },
  { group: 'storage.k8s.io', versions: ['v1'], kind: 'VolumeAttachment', plural: 'volumeattachments', namespaced: false, status: true },
  { group: 'storage.k8s.io', versions: ['v1'], kind: 'VolumeAttributesClass', plural: 'volumeattributesclasses', namespaced: false, shortNames: ['vac'] },
];

/**
 * The served versions of the groups above, each version of a kind sharing one storage.
 * `statusSplit`: the fields the main and `/status` endpoints reset, for kinds with a status subresource.
 */
export function otherGroupTypes(define: Define, statusSplit: ResourceType['resetFields']): ResourceType[] {
  return ENTRIES.flatMap((e) =>
    e.versions.map((version) =>
      define({
        group: e.group,
        version,
        kind: e.kind,
        plural: e.plural,
        namespaced: e.namespaced,
        shortNames: e.shortNames ?? [],
        categories: e.categories ?? [],
        statusSubresource: e.status ?? false,
        resetFields: e.status ? statusSplit : undefined,
        subresources: e.subresources,
        storageVersion: { group: e.group, version: e.versions[0] },
        storageKey: `${e.group}/${e.plural}`,
      }),
    ),
  );
}
