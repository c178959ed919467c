// What the validating webhook checks beyond the CRD schema and its CEL rules: config keys and values against the
// referenced class's configSchema (with @kubeflash/api's validation, the rules and messages of the UI forms),
// the objects a request refers to, and fields that must not change. A reference to an object that does not
// exist (yet) is a warning, never a denial, so `kubectl apply -f dir/` works in any order.
import {
  ConfigProblemCode,
  DeviceClassResource,
  DeviceGroupResource,
  DeviceResource,
  DevicesClusterResource,
  FirmwarePhase,
  FirmwareResource,
  RolloutResource,
  checkEffectiveConfig,
  validateConfigLayer,
  validateConfigSchema,
  validateRolloutSpec,
  validateRolloutUpdate,
  type ConfigLayer,
  type ConfigProblem,
  type Device,
  type DeviceClass,
  type DeviceGroup,
  type DevicesCluster,
  type Firmware,
  type Rollout,
} from '@kubeflash/api';
import type { AdmissionDecision, AdmissionRequest } from './review';

/** Reads the objects a request refers to (in the request's namespace); undefined when absent. */
export interface ReferenceLookup {
  deviceClass(namespace: string, name: string): Promise<DeviceClass | undefined>;
  devicesCluster(namespace: string, name: string): Promise<DevicesCluster | undefined>;
  firmware(namespace: string, name: string): Promise<Firmware | undefined>;
}

/** A field that must not change after creation, and why. */
interface ImmutableField {
  path: string[];
  why: string;
}

/** Fields the webhook keeps as they were created, by kind. */
export const IMMUTABLE_FIELDS: Record<string, ImmutableField[]> = {
  [DeviceClassResource.kind]: [{ path: ['spec', 'chip'], why: 'its firmware is built for one chip; create another DeviceClass for another chip' }],
  [FirmwareResource.kind]: [
    { path: ['spec', 'deviceClassRef'], why: 'a Firmware is one build for one DeviceClass; create another Firmware' },
    { path: ['spec', 'version'], why: 'a Firmware is one build of one version; create another Firmware for another version' },
    { path: ['spec', 'source'], why: 'a Firmware is one build of one source; create another Firmware' },
  ],
  [RolloutResource.kind]: [{ path: ['spec', 'firmwareRef'], why: 'a Rollout installs one Firmware; create another Rollout' }],
};

const at = (obj: unknown, path: string[]): unknown => path.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const messages = (problems: readonly ConfigProblem[]): string[] => problems.map((p) => p.message);

function immutableChanges(kind: string, object: unknown, oldObject: unknown): string[] {
  return (IMMUTABLE_FIELDS[kind] ?? [])
    .filter((f) => !same(at(object, f.path), at(oldObject, f.path)))
    .map((f) => `${f.path.join('.')} is immutable: ${f.why}`);
}

/** The device layer's keys that a class schema rejecting unknown keys does not declare (the shared rule and message). */
function undeclaredKeys(config: ConfigLayer | undefined, deviceClass: DeviceClass, source: string): ConfigProblem[] {
  const values = Object.entries(config?.values ?? {}).map(([key, raw]) => ({ key, raw, source }));
  return checkEffectiveConfig(deviceClass.spec.configSchema, values, {}).problems.filter((p) => p.code === ConfigProblemCode.UnknownKey);
}

async function validateDevice(device: Device, namespace: string, lookup: ReferenceLookup): Promise<AdmissionDecision> {
  const source = `Device ${device.metadata?.name ?? ''}`;
  const warnings: string[] = [];
  const classRef = device.spec.deviceClassRef.name;
  const clusterRef = device.spec.devicesClusterRef.name;
  const [deviceClass, cluster] = await Promise.all([lookup.deviceClass(namespace, classRef), lookup.devicesCluster(namespace, clusterRef)]);
  if (!cluster) warnings.push(`DevicesCluster ${clusterRef} does not exist (yet) in namespace ${namespace}; the device gets no config until it does`);
  if (!deviceClass) {
    warnings.push(`DeviceClass ${classRef} does not exist (yet) in namespace ${namespace}; the config is checked against its schema once it does`);
    return { denials: messages(validateConfigLayer(device.spec.config, undefined, source)), warnings };
  }
  const schema = deviceClass.spec.configSchema;
  const problems = [...validateConfigLayer(device.spec.config, schema, source), ...undeclaredKeys(device.spec.config, deviceClass, source)];
  return { denials: messages(problems), warnings };
}

async function validateFirmware(firmware: Firmware, namespace: string, lookup: ReferenceLookup): Promise<AdmissionDecision> {
  const classRef = firmware.spec.deviceClassRef.name;
  const deviceClass = await lookup.deviceClass(namespace, classRef);
  return { denials: [], warnings: deviceClass ? [] : [`DeviceClass ${classRef} does not exist (yet) in namespace ${namespace}; the build waits for it`] };
}

async function validateRollout(rollout: Rollout, oldRollout: Rollout | undefined, namespace: string, lookup: ReferenceLookup): Promise<AdmissionDecision> {
  const problems = oldRollout ? validateRolloutUpdate(oldRollout.spec, rollout.spec) : validateRolloutSpec(rollout.spec);
  if (problems.length > 0) return { denials: problems.map((p) => p.message), warnings: [] };
  const firmwareRef = rollout.spec.firmwareRef.name;
  const firmware = await lookup.firmware(namespace, firmwareRef);
  if (!firmware) return { denials: [], warnings: [`Firmware ${firmwareRef} does not exist (yet) in namespace ${namespace}; the rollout waits for it`] };
  if (firmware.status?.phase === FirmwarePhase.Failed) {
    return { denials: [`Firmware ${firmwareRef} failed to build (${firmware.status.message ?? 'see its status'}); a Rollout cannot install it`], warnings: [] };
  }
  const classRef = firmware.spec.deviceClassRef.name;
  const deviceClass = await lookup.deviceClass(namespace, classRef);
  if (!deviceClass) return { denials: [], warnings: [`Firmware ${firmwareRef} is built for DeviceClass ${classRef}, which does not exist (yet); the rollout selects no device until it does`] };
  return { denials: [], warnings: [] };
}

/**
 * The validating webhook's decision. UPDATEs that leave spec as it was (labels, finalizers, deletion) are
 * allowed without checks, so an object whose class changed under it can always be relabelled or deleted.
 */
export async function validateRequest(request: AdmissionRequest, lookup: ReferenceLookup): Promise<AdmissionDecision> {
  const object = request.object as (Record<string, unknown> & { metadata?: { name?: string; deletionTimestamp?: string }; spec?: unknown }) | null | undefined;
  if (!object || (request.operation !== 'CREATE' && request.operation !== 'UPDATE')) return { denials: [], warnings: [] };
  const kind = request.kind.kind;
  const namespace = request.namespace ?? '';
  if (request.operation === 'UPDATE') {
    if (same(object.spec, (request.oldObject as { spec?: unknown } | null)?.spec)) return { denials: [], warnings: [] };
    const changed = immutableChanges(kind, object, request.oldObject);
    if (changed.length > 0) return { denials: changed, warnings: [] };
  }
  const name = object.metadata?.name ?? request.name ?? '';
  switch (kind) {
    case DevicesClusterResource.kind:
      return { denials: messages(validateConfigLayer((object as unknown as DevicesCluster).spec.config, undefined, `DevicesCluster ${name}`)), warnings: [] };
    case DeviceGroupResource.kind:
      return { denials: messages(validateConfigLayer((object as unknown as DeviceGroup).spec.config, undefined, `DeviceGroup ${name}`)), warnings: [] };
    case DeviceClassResource.kind: {
      const deviceClass = object as unknown as DeviceClass;
      const schema = deviceClass.spec.configSchema;
      return { denials: messages([...validateConfigSchema(schema), ...validateConfigLayer(deviceClass.spec.config, schema, `DeviceClass ${name}`)]), warnings: [] };
    }
    case DeviceResource.kind:
      return validateDevice(object as unknown as Device, namespace, lookup);
    case FirmwareResource.kind:
      return validateFirmware(object as unknown as Firmware, namespace, lookup);
    case RolloutResource.kind:
      return validateRollout(object as unknown as Rollout, request.operation === 'UPDATE' ? (request.oldObject as unknown as Rollout | undefined) ?? undefined : undefined, namespace, lookup);
    default:
      return { denials: [`the kubeflash webhook does not handle kind ${kind}`], warnings: [] };
  }
}
