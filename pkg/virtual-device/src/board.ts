import { createHash } from 'node:crypto';
import type { ImageState } from '@kubeflash/protocol';

/** What the board and its running firmware are: the fields of `status` that do not come from the config. */
export interface Board {
  /** ESP-IDF target (esp32, esp32c3, ...). */
  chip: string;
  /** Base MAC address, lowercase `aa:bb:cc:dd:ee:ff`. */
  mac: string;
  /** Running app version. */
  firmwareVersion: string;
  /** Running app project name. */
  project: string;
  idfVersion?: string;
  /** IP address reported (the virtual device never listens on it). */
  ip: string;
  /** Wi-Fi RSSI reported; absent for wired links. */
  rssi?: number;
  /** Running app partition (ota_0, ota_1, factory). */
  partition: string;
  /** OTA state of the running image. */
  imageState: ImageState;
}

/** A stable, locally administered MAC derived from a name (for devices without spec.macAddress). */
export function macFor(name: string): string {
  const h = createHash('sha256').update(name).digest();
  // Locally administered unicast: second-lowest bit of the first octet set, lowest clear.
  const octets = [(h[0] & 0xfc) | 0x02, h[1], h[2], h[3], h[4], h[5]];
  return octets.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** A documentation-range address (192.0.2.0/24, RFC 5737) derived from a name: reported only, never used. */
export function ipFor(name: string): string {
  const h = createHash('sha256').update(`ip:${name}`).digest();
  return `192.0.2.${1 + (h[0] % 254)}`;
}

/** A board with defaults for what is not given. */
export function virtualBoard(deviceId: string, given: Partial<Board> = {}): Board {
  return {
    chip: given.chip ?? 'esp32',
    mac: (given.mac ?? macFor(deviceId)).toLowerCase(),
    firmwareVersion: given.firmwareVersion ?? '0.0.0',
    project: given.project ?? 'virtual-device',
    ...(given.idfVersion !== undefined ? { idfVersion: given.idfVersion } : { idfVersion: 'v5.3.1' }),
    ip: given.ip ?? ipFor(deviceId),
    rssi: given.rssi ?? -55,
    partition: given.partition ?? 'ota_0',
    imageState: given.imageState ?? 'valid',
  };
}
