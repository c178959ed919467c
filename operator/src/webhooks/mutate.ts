// Defaults the CRD schema cannot set, because they derive from other fields: labels naming the objects a
// Device, Firmware or Rollout refers to (so `kubectl get devices -l kubeflash.dev/device-class=c3-sensor` and
// label selectors work), and the MAC address in its canonical lower-case form.
import { DeviceResource, FirmwareResource, RolloutResource } from '@kubeflash/api';
import { pointerSegment, type AdmissionDecision, type AdmissionRequest, type PatchOperation } from './review';

/** Label with the name of a Device's or Firmware's DeviceClass. */
export const DEVICE_CLASS_LABEL = 'kubeflash.dev/device-class';
/** Label with the name of a Device's DevicesCluster. */
export const DEVICES_CLUSTER_LABEL = 'kubeflash.dev/devices-cluster';
/** Label with the name of a Rollout's Firmware. */
export const FIRMWARE_LABEL = 'kubeflash.dev/firmware';

interface Shape {
  metadata?: { labels?: Record<string, string> };
  spec?: { deviceClassRef?: { name?: string }; devicesClusterRef?: { name?: string }; firmwareRef?: { name?: string }; macAddress?: string };
}

/** The labels each kind derives from its spec. */
function derivedLabels(kind: string, object: Shape): Record<string, string> {
  const spec = object.spec ?? {};
  const out: Record<string, string> = {};
  const put = (label: string, value: string | undefined) => {
    if (value) out[label] = value;
  };
  if (kind === DeviceResource.kind) {
    put(DEVICE_CLASS_LABEL, spec.deviceClassRef?.name);
    put(DEVICES_CLUSTER_LABEL, spec.devicesClusterRef?.name);
  } else if (kind === FirmwareResource.kind) {
    put(DEVICE_CLASS_LABEL, spec.deviceClassRef?.name);
  } else if (kind === RolloutResource.kind) {
    put(FIRMWARE_LABEL, spec.firmwareRef?.name);
  }
  return out;
}

/** The mutating webhook's decision: the JSONPatch that sets the derived defaults (empty when all are in place). */
export function mutateRequest(request: AdmissionRequest): AdmissionDecision {
  const object = request.object as Shape | null | undefined;
  if (!object || (request.operation !== 'CREATE' && request.operation !== 'UPDATE')) return { denials: [], warnings: [] };
  const patch: PatchOperation[] = [];
  const wanted = derivedLabels(request.kind.kind, object);
  const labels = object.metadata?.labels;
  const missing = Object.entries(wanted).filter(([k, v]) => labels?.[k] !== v);
  if (missing.length > 0) {
    if (!object.metadata) patch.push({ op: 'add', path: '/metadata', value: {} });
    if (!labels) patch.push({ op: 'add', path: '/metadata/labels', value: Object.fromEntries(missing) });
    else for (const [k, v] of missing) patch.push({ op: k in labels ? 'replace' : 'add', path: `/metadata/labels/${pointerSegment(k)}`, value: v });
  }
  const mac = object.spec?.macAddress;
  if (request.kind.kind === DeviceResource.kind && mac && mac !== mac.toLowerCase()) patch.push({ op: 'replace', path: '/spec/macAddress', value: mac.toLowerCase() });
  return { denials: [], warnings: [], patch };
}
