import { generateNvsKeys, secureRandomBytes, type NvsKeys } from '@kubeflash/esp';

/** Credentials the operator generates once per device and keeps in its config Secret. */
export interface DeviceCredentials {
  /** MQTT password: 32 base64url characters (192 bits from the CSPRNG). */
  mqttPassword: string;
  /** NVS encryption keys, for classes with `encryption: nvs`. */
  nvsKeys?: NvsKeys;
}

/** A fresh MQTT password from the platform CSPRNG. */
export function generateMqttPassword(): string {
  const bytes = secureRandomBytes(24);
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_');
}

/** Generates what `existing` lacks (the password; NVS keys when `encrypted`) and keeps what it has. */
export function completeCredentials(existing: Partial<DeviceCredentials>, encrypted: boolean): DeviceCredentials {
  const mqttPassword = existing.mqttPassword ?? generateMqttPassword();
  return encrypted ? { mqttPassword, nvsKeys: existing.nvsKeys ?? generateNvsKeys() } : { mqttPassword };
}
