import { generateNvsKeys, secureRandomBytes, type NvsKeys } from '@kubeflash/esp';

/** Credentials the operator generates once per device and keeps in its credentials Secret. */
export interface DeviceCredentials {
  /** MQTT password: 32 base64url characters (192 bits from the CSPRNG). */
  mqttPassword: string;
  /** Password of the device's local web UI (web_pass): 24 base64url characters (144 bits). */
  webPassword: string;
  /** NVS encryption keys, for classes with `encryption: nvs`. */
  nvsKeys?: NvsKeys;
}

function randomText(bytes: number): string {
  let text = '';
  for (const b of secureRandomBytes(bytes)) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_');
}

/** A fresh MQTT password from the platform CSPRNG. */
export function generateMqttPassword(): string {
  return randomText(24);
}

/** A fresh web UI password from the platform CSPRNG (printable, within the firmware's 8..64 characters). */
export function generateWebPassword(): string {
  return randomText(18);
}

/** Generates what `existing` lacks (the passwords; NVS keys when `encrypted`) and keeps what it has. */
export function completeCredentials(existing: Partial<DeviceCredentials>, encrypted: boolean): DeviceCredentials {
  const base = { mqttPassword: existing.mqttPassword ?? generateMqttPassword(), webPassword: existing.webPassword ?? generateWebPassword() };
  return encrypted ? { ...base, nvsKeys: existing.nvsKeys ?? generateNvsKeys() } : base;
}

/** New passwords (MQTT and web), keeping the NVS keys: a flashed nvs_keys partition stays valid. */
export function rotateCredentials(current: DeviceCredentials): DeviceCredentials {
  return { ...current, mqttPassword: generateMqttPassword(), webPassword: generateWebPassword() };
}

/** True when `existing` already holds everything a device of an (un)encrypted class needs. */
export function credentialsComplete(existing: Partial<DeviceCredentials>, encrypted: boolean): boolean {
  return existing.mqttPassword !== undefined && existing.webPassword !== undefined && (!encrypted || existing.nvsKeys !== undefined);
}
