/**
 * The order kube-apiserver lists API groups and versions in (`/apis`, aggregated discovery).
 *
 * kube-aggregator sorts groups by their APIService's `groupPriorityMinimum` (highest first, then by
 * name) and the versions of a group by `versionPriority` (highest first, then Kubernetes version
 * order). The built-in groups get their priorities from kube-apiserver's `apiVersionPriorities`
 * (kubernetes/kubernetes `cmd/kube-apiserver/app/aggregator.go`, merged over
 * `pkg/controlplane/apiserver.DefaultGenericAPIServicePriorities`); `apiregistration.k8s.io` is
 * always first (`APIRegistrationGroupPriority` 20001 in the aggregator); the crdregistration
 * controller registers every CRD group version with `groupPriorityMinimum: 1000` and
 * `versionPriority: 100`.
 */

interface Priority {
  group: number;
  /** versionPriority per version; versions not listed sort after those listed. */
  versions: Record<string, number>;
}

const CRD_GROUP_PRIORITY = 1000;
const CRD_VERSION_PRIORITY = 100;

const BUILTIN: Record<string, Priority> = {
  'apiregistration.k8s.io': { group: 20001, versions: { v1: 15 } },
  '': { group: 18000, versions: { v1: 1 } },
  apps: { group: 17800, versions: { v1: 15 } },
  'events.k8s.io': { group: 17750, versions: { v1: 15, v1beta1: 5 } },
  'authentication.k8s.io': { group: 17700, versions: { v1: 15, v1beta1: 9, v1alpha1: 1 } },
  'authorization.k8s.io': { group: 17600, versions: { v1: 15 } },
  autoscaling: { group: 17500, versions: { v2: 30, v1: 15, v2beta1: 9, v2beta2: 1 } },
  batch: { group: 17400, versions: { v1: 15, v1beta1: 9, v2alpha1: 9 } },
  'certificates.k8s.io': { group: 17300, versions: { v1: 15, v1alpha1: 1 } },
  'networking.k8s.io': { group: 17200, versions: { v1: 15, v1beta1: 9 } },
  policy: { group: 17100, versions: { v1: 15, v1beta1: 9 } },
  'rbac.authorization.k8s.io': { group: 17000, versions: { v1: 15 } },
  'storage.k8s.io': { group: 16800, versions: { v1: 15, v1beta1: 9, v1alpha1: 1 } },
  'apiextensions.k8s.io': { group: 16700, versions: { v1: 15 } },
  'admissionregistration.k8s.io': { group: 16700, versions: { v1: 15, v1beta1: 12, v1alpha1: 9 } },
  'scheduling.k8s.io': { group: 16600, versions: { v1: 15 } },
  'coordination.k8s.io': { group: 16500, versions: { v1: 15 } },
  'node.k8s.io': { group: 16300, versions: { v1: 15, v1beta1: 9, v1alpha1: 1 } },
  'discovery.k8s.io': { group: 16200, versions: { v1: 15, v1beta1: 12 } },
  // v1 (GA in 1.34, the only version devcluster serves) is not in the cited table.
  'resource.k8s.io': { group: 16200, versions: { v1beta2: 15, v1beta1: 9, v1alpha3: 1 } },
  'flowcontrol.apiserver.k8s.io': { group: 16100, versions: { v1: 21, v1beta3: 18, v1beta2: 15, v1beta1: 12, v1alpha1: 9 } },
};

function priorityOf(group: string): Priority | undefined {
  return BUILTIN[group];
}

/** The group's `groupPriorityMinimum` (CRD groups: 1000). */
export function groupPriority(group: string): number {
  return priorityOf(group)?.group ?? CRD_GROUP_PRIORITY;
}

/** Sorts groups as kube-aggregator lists them: priority, highest first, then name. */
export function compareGroups(a: string, b: string): number {
  const byPriority = groupPriority(b) - groupPriority(a);
  if (byPriority !== 0) return byPriority;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * apimachinery's version.CompareKubeAwareVersionStrings as a sort: GA before beta before alpha,
 * higher major then higher minor first, non-Kubernetes version strings last in lexical order.
 */
export function compareKubeAwareVersions(a: string, b: string): number {
  const parse = (v: string): { major: number; rank: number; minor: number } | undefined => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return undefined;
    const rank = m[2] === undefined ? 2 : m[2] === 'beta' ? 1 : 0;
    return { major: Number(m[1]), rank, minor: m[3] === undefined ? 0 : Number(m[3]) };
  };
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb) {
    if (pa) return -1;
    if (pb) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (pa.rank !== pb.rank) return pb.rank - pa.rank;
  if (pa.major !== pb.major) return pb.major - pa.major;
  return pb.minor - pa.minor;
}

/** Sorts the versions of one group: versionPriority, highest first, then Kubernetes version order. */
export function compareVersions(group: string, a: string, b: string): number {
  const p = priorityOf(group);
  const pa = p ? (p.versions[a] ?? 0) : CRD_VERSION_PRIORITY;
  const pb = p ? (p.versions[b] ?? 0) : CRD_VERSION_PRIORITY;
  if (pa !== pb) return pb - pa;
  return compareKubeAwareVersions(a, b);
}
