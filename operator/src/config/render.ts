import { encryptNvsImage } from '@kubeflash/esp/node';
import type { Device, DeviceReason as DeviceReasonType, DeviceGroup, DevicesCluster } from '@kubeflash/api';
import { DeviceReason, ConfigEncryption, type DeviceClass, brokerUsesTls, ConfigProblemCode, problem, checkConfigFits, checkEffectiveConfig, validateConfigSchema, type ConfigProblem, deviceMqtt, generatedValues, type DeviceMqtt, deviceConfigLayers, resolveLayers, type SecretLookup, recordConfigKeys, type RenderedConfigKey } from '@kubeflash/api';
import type { DeviceCredentials } from './credentials';
import { toNvsCsv } from './csv';
import { configHash } from './hash';
import type { ConfigFiles } from './secret';

/** Config partition size of a class that sets none (0x6000, ESP-IDF's default nvs size). */
export const DEFAULT_CONFIG_PARTITION_SIZE = 0x6000;
/** Longest condition message the operator writes (the rest is cut with a count of what was left out). */
const MAX_MESSAGE = 2000;

/** Everything a device's config is computed from. */
export interface DeviceConfigInputs {
  device: Device;
  deviceClass: DeviceClass | undefined;
  cluster: DevicesCluster | undefined;
  /** DeviceGroups of the device's namespace; the ones whose selector matches the device's labels apply. */
  groups: readonly DeviceGroup[];
  /** Secrets of the device's namespace. */
  secrets: SecretLookup;
  /** Generated credentials (complete: NVS keys present when the class encrypts). */
  credentials: DeviceCredentials;
  /** The namespace's firmware signing public key (DER SubjectPublicKeyInfo), written as ota_pubkey when known. */
  otaPublicKey?: Uint8Array;
}

/** A compiled config. */
export interface RenderedConfig {
  ok: true;
  files: ConfigFiles;
  hash: string;
  bytesUsed: number;
  partitionSize: number;
  mqtt: DeviceMqtt;
  /** Names of the groups applied, in layering order. */
  groups: string[];
  /** Where each key came from (for status.config.keys; never a value). */
  keys: RenderedConfigKey[];
}

/** A config that could not be compiled: the ConfigReady reason and message, and every problem found. */
export interface RenderFailure {
  ok: false;
  reason: DeviceReasonType;
  message: string;
  problems: ConfigProblem[];
}

/** Result of `renderDeviceConfig`. */
export type RenderOutcome = RenderedConfig | RenderFailure;

function failure(reason: DeviceReasonType, all: ConfigProblem[]): RenderFailure {
  // A winning value is checked both in its layer and after layering: report each problem once.
  const problems = all.filter((p, i) => all.findIndex((q) => q.message === p.message) === i);
  let message = '';
  let shown = 0;
  for (const p of problems) {
    const next = message ? `${message}; ${p.message}` : p.message;
    if (next.length > MAX_MESSAGE) break;
    message = next;
    shown++;
  }
  if (shown < problems.length) message += `; and ${problems.length - shown} more`;
  return { ok: false, reason, message, problems };
}

/**
 * Computes a device's config image (pure apart from the CSPRNG-free XTS encryption): layering cluster < class <
 * groups (ascending priority, then name) < device, the class's typed schema, generated keys, size check. Same
 * inputs, same bytes: the operator and `kubeflash render` both call this.
 */
export function renderDeviceConfig(inputs: DeviceConfigInputs): RenderOutcome {
  const { device, deviceClass, cluster } = inputs;
  const namespace = device.metadata.namespace ?? 'default';
  const name = device.metadata.name ?? '';
  if (!deviceClass) {
    return { ok: false, reason: DeviceReason.DeviceClassNotFound, message: `DeviceClass ${device.spec.deviceClassRef.name} does not exist in namespace ${namespace}`, problems: [] };
  }
  if (!cluster) {
    return { ok: false, reason: DeviceReason.DevicesClusterNotFound, message: `DevicesCluster ${device.spec.devicesClusterRef.name} does not exist in namespace ${namespace}`, problems: [] };
  }
  const schema = deviceClass.spec.configSchema;
  const layers = deviceConfigLayers({ device, cluster, deviceClass, groups: inputs.groups });
  const layered = resolveLayers(layers, schema, inputs.secrets);
  const ca = brokerCa(cluster, inputs.secrets);
  const missing = [...layered.missingSecrets, ...(ca.ok ? [] : [ca.problem])];
  if (missing.length > 0) return failure(DeviceReason.SecretNotFound, missing);

  const generated = generatedValues(namespace, name, cluster, inputs.credentials.mqttPassword, { mqttCa: ca.ok ? ca.pem : undefined, webPassword: inputs.credentials.webPassword, otaPublicKey: inputs.otaPublicKey });
  const checked = checkEffectiveConfig(schema, layered.values, generated);
  const problems = [...validateConfigSchema(schema), ...layered.problems, ...checked.problems];
  if (problems.length > 0) return failure(DeviceReason.ConfigInvalid, problems);

  const partitionSize = deviceClass.spec.partitions?.config?.size ?? DEFAULT_CONFIG_PARTITION_SIZE;
  const fit = checkConfigFits(checked.entries, partitionSize);
  if (!fit.ok) return failure(DeviceReason.ConfigTooLarge, [fit.problem]);

  const encrypted = (deviceClass.spec.encryption ?? ConfigEncryption.None) === ConfigEncryption.Nvs;
  const nvsKeys = encrypted ? inputs.credentials.nvsKeys : undefined;
  if (encrypted && !nvsKeys) throw new Error(`renderDeviceConfig: class ${deviceClass.metadata.name} encrypts, but no NVS keys were given`);
  const configBin = nvsKeys ? encryptNvsImage(fit.image, nvsKeys) : fit.image;
  return {
    ok: true,
    files: { configBin, configCsv: toNvsCsv(checked.entries) },
    hash: configHash(checked.entries, partitionSize, nvsKeys),
    bytesUsed: fit.bytesUsed,
    partitionSize,
    mqtt: deviceMqtt(namespace, name, cluster),
    groups: layers.filter((l) => l.kind === 'DeviceGroup').map((l) => l.name),
    keys: recordConfigKeys(checked.entries, layered.values, schema, deviceClass.metadata.name ?? ''),
  };
}

/** Default key of spec.mqtt.caSecretRef. */
export const DEFAULT_CA_KEY = 'ca.crt';

/**
 * The PEM bytes of the DevicesCluster's broker CA (spec.mqtt.caSecretRef), for the generated mqtt_ca key: nothing
 * when no CA is set or the broker URI is not mqtts://, a SecretNotFound problem when the Secret or key is missing.
 */
export function brokerCa(cluster: DevicesCluster, secrets: SecretLookup): { ok: true; pem?: Uint8Array } | { ok: false; problem: ConfigProblem } {
  const ref = cluster.spec.mqtt.caSecretRef;
  if (!ref || !brokerUsesTls(cluster)) return { ok: true };
  const key = ref.key ?? DEFAULT_CA_KEY;
  const pem = secrets(ref.name)?.[key];
  if (pem && pem.length > 0) return { ok: true, pem };
  const what = secrets(ref.name) ? `has no key ${key}` : 'does not exist';
  return { ok: false, problem: problem(ConfigProblemCode.SecretNotFound, `Secret ${ref.name} (the broker CA of DevicesCluster ${cluster.metadata.name}, spec.mqtt.caSecretRef) ${what}`, { name: ref.name, key }, 'mqtt_ca') };
}

/** True if the class encrypts its config partition. */
export function classEncrypts(deviceClass: DeviceClass | undefined): boolean {
  return (deviceClass?.spec.encryption ?? ConfigEncryption.None) === ConfigEncryption.Nvs;
}
