// The device form's preview of unsaved edits: @kubeflash/api's layering, checks and key record (the code the
// operator renders with) run on the edited device and the cluster, class, groups and Secrets the browser sees.
import {
  ConfigProblemCode, checkEffectiveConfig, deviceConfigLayers, generatedValues, recordConfigKeys, resolveLayers, validateConfigLayer,
  type ConfigProblem, type Device, type DeviceClass, type DeviceGroup, type DevicesCluster, type RenderedConfigKey, type SecretLookup,
} from '@kubeflash/api';
import { base64ToBytes } from './artifact-server';

/** A Secret as the cluster store holds it: data values base64-encoded. */
export interface SecretObject {
  metadata: { name?: string };
  data?: Record<string, string>;
}

/** What the device form previews. */
export interface DevicePreviewInput {
  device: Pick<Device, 'metadata' | 'spec'>;
  deviceClass: DeviceClass | undefined;
  cluster: DevicesCluster | undefined;
  /** DeviceGroups and Secrets of the device's namespace. */
  groups: readonly DeviceGroup[];
  secrets: readonly SecretObject[];
}

/** The preview: the keys as the operator would record them, and the problems it would report. */
export interface DevicePreview {
  /** In image order, shaped like status.config.keys (never a value). */
  keys: RenderedConfigKey[];
  /** Every problem, each once. */
  problems: ConfigProblem[];
  /**
   * What the device itself gets wrong: problems of its own values, undeclared keys it sets, and required
   * keys no layer sets. Problems of the other layers are shown in the preview for their own forms to fix.
   */
  blocking: ConfigProblem[];
}

/** Reads Secret data from the store's objects; the bytes only feed the type checks and are never shown. */
export function secretLookup(secrets: readonly SecretObject[]): SecretLookup {
  const byName = new Map(secrets.map((s) => [s.metadata.name, s]));

  return (name) => {
    const secret = byName.get(name);

    return secret ? Object.fromEntries(Object.entries(secret.data || {}).map(([k, b64]) => [k, base64ToBytes(b64)])) : undefined;
  };
}

const once = (problems: readonly ConfigProblem[]) => problems.filter((p, i) => problems.findIndex((q) => q.message === p.message) === i);

/**
 * Layers the edited device as the operator does (deviceConfigLayers, resolveLayers, checkEffectiveConfig and
 * recordConfigKeys of @kubeflash/api) and lists the keys and problems. Without a class nothing is previewed.
 */
export function previewDeviceConfig(input: DevicePreviewInput): DevicePreview {
  const { deviceClass } = input;

  if (!deviceClass) {
    return {
      keys: [], problems: [], blocking: []
    };
  }
  const schema = deviceClass.spec?.configSchema;
  const layered = resolveLayers(deviceConfigLayers(input), schema, secretLookup(input.secrets));
  const { namespace = '', name = '' } = input.device.metadata;
  // The generated values only make their keys appear; the MQTT password is not known here (nor shown).
  const generated = input.cluster ? generatedValues(namespace, name, input.cluster, '') : {};
  const checked = checkEffectiveConfig(schema, layered.values, generated);
  const own = `Device ${ name }`;
  const ownAfterLayering = checked.problems.filter((p) => p.code === ConfigProblemCode.MissingRequired || p.args.source === own);

  return {
    keys:     recordConfigKeys(checked.entries, layered.values, schema, deviceClass.metadata?.name ?? ''),
    problems: once([...layered.missingSecrets, ...layered.problems, ...checked.problems]),
    blocking: once([...validateConfigLayer(input.device.spec?.config, schema, own), ...ownAfterLayering]),
  };
}
