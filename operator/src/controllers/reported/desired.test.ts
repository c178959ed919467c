import type { Device, DeviceClass } from '@kubeflash/api';
import type { StatusPayload } from '@kubeflash/protocol';
import { desiredReported, type DeviceReport } from './desired';

const NOW = new Date('2026-03-01T10:00:00Z');
const device = (spec: Partial<Device['spec']> = {}, status?: Device['status']): Device => ({
  apiVersion: 'kubeflash.dev/v1alpha1',
  kind: 'Device',
  metadata: { name: 'temp-1', namespace: 'home', generation: 1 },
  spec: { deviceClassRef: { name: 'c3' }, devicesClusterRef: { name: 'site' }, ...spec },
  ...(status ? { status } : {}),
});
const deviceClass: DeviceClass = {
  apiVersion: 'kubeflash.dev/v1alpha1',
  kind: 'DeviceClass',
  metadata: { name: 'c3', namespace: 'home' },
  spec: { chip: 'esp32c3', firmware: { source: { upload: {} }, version: '1.5.0' } },
};
const status = (over: Partial<StatusPayload> = {}): StatusPayload => ({
  state: 'online', fw: '1.5.0', project: 'c3-sensor', chip: 'esp32c3', mac: '34:85:18:6a:10:01', ip: '192.168.1.20', rssi: -61, uptime: 120, resetReason: 'poweron', imageState: 'valid', partition: 'ota_0', ...over,
});
const conditions = (r: ReturnType<typeof desiredReported>) =>
  Object.fromEntries((r.status?.conditions ?? []).map((c) => [c.type, `${c.status}/${c.reason}: ${c.message}`]));

interface Case {
  sentence: string;
  device: Device;
  report: DeviceReport;
  conditions: Record<string, string>;
  reported?: Record<string, unknown>;
  events: string[];
}

const cases: Case[] = [
  {
    sentence: 'a first online status fills status.reported and turns Online, FirmwareCurrent and IdentityMatches True',
    device: device({ macAddress: '34:85:18:6A:10:01' }),
    report: { status: status(), online: true, lastSeen: NOW },
    conditions: {
      Online: 'True/DeviceOnline: the device reports online',
      FirmwareCurrent: 'True/VersionMatches: runs 1.5.0, the version of DeviceClass c3',
      IdentityMatches: 'True/IdentityVerified: chip esp32c3 and MAC 34:85:18:6a:10:01 match',
    },
    reported: { firmwareVersion: '1.5.0', projectName: 'c3-sensor', mac: '34:85:18:6a:10:01', ip: '192.168.1.20', rssi: -61, uptimeSeconds: 120, resetReason: 'poweron', chip: 'esp32c3', imageState: 'valid', partition: 'ota_0', lastSeen: '2026-03-01T10:00:00Z' },
    events: ['Normal DeviceOnline'],
  },
  {
    sentence: 'a board reporting another MAC than spec.macAddress is flagged with both values',
    device: device({ macAddress: '34:85:18:6a:10:02' }),
    report: { status: status(), online: true, lastSeen: NOW },
    conditions: {
      Online: 'True/DeviceOnline: the device reports online',
      FirmwareCurrent: 'True/VersionMatches: runs 1.5.0, the version of DeviceClass c3',
      IdentityMatches: "False/MacMismatch: reports MAC 34:85:18:6a:10:01 but spec.macAddress is 34:85:18:6a:10:02: this board may carry another device's config",
    },
    events: ['Normal DeviceOnline', 'Warning MacMismatch'],
  },
  {
    sentence: 'a board of another chip than its class is flagged with both values; without spec.macAddress only the chip counts',
    device: device(),
    report: { status: status({ chip: 'esp32s3' }), online: true, lastSeen: NOW },
    conditions: {
      Online: 'True/DeviceOnline: the device reports online',
      FirmwareCurrent: 'True/VersionMatches: runs 1.5.0, the version of DeviceClass c3',
      IdentityMatches: "False/ChipMismatch: reports chip esp32s3 but DeviceClass c3 is for esp32c3: this board may carry another device's config",
    },
    events: ['Normal DeviceOnline', 'Warning ChipMismatch'],
  },
  {
    sentence: 'another firmware version than the class wants makes FirmwareCurrent False with both versions',
    device: device(),
    report: { status: status({ fw: '1.4.2' }), online: true, lastSeen: NOW },
    conditions: {
      Online: 'True/DeviceOnline: the device reports online',
      FirmwareCurrent: 'False/VersionMismatch: runs 1.4.2; DeviceClass c3 wants 1.5.0',
      IdentityMatches: 'True/IdentityVerified: chip esp32c3 matches; no spec.macAddress to compare MAC 34:85:18:6a:10:01 with',
    },
    events: ['Normal DeviceOnline', 'Normal VersionMismatch'],
  },
  {
    sentence: 'a last will turns Online False (connection lost) and keeps what the device reported before, lastSeen included',
    device: device({}, { reported: { firmwareVersion: '1.5.0', mac: '34:85:18:6a:10:01', chip: 'esp32c3', lastSeen: '2026-03-01T09:59:00Z' } }),
    report: { online: false, offlineReason: 'lost' },
    conditions: {
      Online: 'False/DeviceOffline: its last will fired: the connection was lost',
      FirmwareCurrent: 'True/VersionMatches: runs 1.5.0, the version of DeviceClass c3',
      IdentityMatches: 'True/IdentityVerified: chip esp32c3 matches; no spec.macAddress to compare MAC 34:85:18:6a:10:01 with',
    },
    reported: { firmwareVersion: '1.5.0', mac: '34:85:18:6a:10:01', chip: 'esp32c3', lastSeen: '2026-03-01T09:59:00Z', offlineReason: 'lost' },
    events: ['Normal DeviceOffline'],
  },
  {
    sentence: 'a device going down on purpose says why',
    device: device(),
    report: { status: status(), online: false, offlineReason: 'reboot', lastSeen: NOW },
    conditions: {
      Online: 'False/DeviceOffline: it went offline on purpose (reboot)',
      FirmwareCurrent: 'True/VersionMatches: runs 1.5.0, the version of DeviceClass c3',
      IdentityMatches: 'True/IdentityVerified: chip esp32c3 matches; no spec.macAddress to compare MAC 34:85:18:6a:10:01 with',
    },
    events: ['Normal DeviceOffline'],
  },
];

describe('desiredReported', () => {
  it.each(cases.map((c) => [c.sentence, c] as const))('%s', (_s, c) => {
    const r = desiredReported(c.device, deviceClass, c.report, NOW);
    expect(conditions(r)).toEqual(c.conditions);
    if (c.reported) expect(r.status?.reported).toEqual(c.reported);
    expect(r.events.map((e) => `${e.type} ${e.reason}`)).toEqual(c.events);
  });

  it('writes nothing and emits nothing when the stored status already says the same', () => {
    const first = desiredReported(device(), deviceClass, { status: status(), online: true, lastSeen: NOW }, NOW);
    const again = desiredReported(device({}, first.status), deviceClass, { status: status(), online: true, lastSeen: NOW }, new Date('2026-03-01T11:00:00Z'));
    expect(again).toEqual({ events: [] });
  });

  describe('FirmwareCurrent and OTA updates', () => {
    const reported = { online: true, lastSeen: NOW };
    const matching = desiredReported(device(), deviceClass, { status: status(), ...reported }, NOW).status;
    type Ota = NonNullable<NonNullable<Device['status']>['ota']>;
    const ota = (over: Partial<Ota>): Ota => ({ state: 'Succeeded', targetVersion: '1.6.0', rolloutName: 'to-1-6-0', commandId: 'uid/1', ...over });

    it('a version a Rollout installed is InstalledByRollout, with no Event (the Rollout records it)', () => {
      const r = desiredReported(device({}, { ...matching, ota: ota({ state: 'HealthCheck' }) }), deviceClass, { status: status({ fw: '1.6.0' }), ...reported }, NOW);
      expect(conditions(r).FirmwareCurrent).toBe('False/InstalledByRollout: runs 1.6.0, installed by Rollout to-1-6-0; DeviceClass c3 wants 1.5.0 (make 1.6.0 its spec.firmware.version to match)');
      expect(r.events).toEqual([]);
    });

    it('the class catching up with what a Rollout installed emits no Event either', () => {
      const installed = desiredReported(device({}, { ...matching, ota: ota({}) }), deviceClass, { status: status({ fw: '1.6.0' }), ...reported }, NOW).status;
      const promoted: DeviceClass = { ...deviceClass, spec: { ...deviceClass.spec, firmware: { source: { upload: {} }, version: '1.6.0' } } };
      const r = desiredReported(device({}, { ...installed, ota: ota({}) }), promoted, { status: status({ fw: '1.6.0' }), ...reported }, NOW);
      expect(conditions(r).FirmwareCurrent).toBe('True/VersionMatches: runs 1.6.0, the version of DeviceClass c3');
      expect(r.events).toEqual([]);
    });

    it('a report while an update to the class version is in flight is UpdateInProgress', () => {
      const old = desiredReported(device(), deviceClass, { status: status({ fw: '1.4.0' }), ...reported }, NOW).status;
      const r = desiredReported(device({}, { ...old, ota: ota({ state: 'Downloading', targetVersion: '1.5.0', rolloutName: 'to-1-5-0' }) }), deviceClass, { status: status({ fw: '1.4.0', uptime: 500 }), ...reported }, NOW);
      expect(conditions(r).FirmwareCurrent).toBe('False/UpdateInProgress: runs 1.4.0; an update to 1.5.0, the version of DeviceClass c3, is in flight (Rollout to-1-5-0)');
      expect(r.events).toEqual([]);
    });

    it('a rolled back or failed update leaves the device on another version: VersionMismatch, with an Event', () => {
      const r = desiredReported(device({}, { ...matching, ota: ota({ state: 'RolledBack' }) }), deviceClass, { status: status({ fw: '1.4.0' }), ...reported }, NOW);
      expect(conditions(r).FirmwareCurrent).toBe('False/VersionMismatch: runs 1.4.0; DeviceClass c3 wants 1.5.0');
      expect(r.events.map((e) => e.reason)).toEqual(['VersionMismatch']);
    });
  });

  it('keeps lastTransitionTime while a condition keeps its status', () => {
    const first = desiredReported(device(), deviceClass, { status: status(), online: true, lastSeen: NOW }, NOW);
    const later = new Date('2026-03-01T10:05:00Z');
    const next = desiredReported(device({}, first.status), deviceClass, { status: status({ uptime: 420 }), online: true, lastSeen: later }, later);
    expect(next.status?.conditions?.every((c) => c.lastTransitionTime === '2026-03-01T10:00:00Z')).toBe(true);
    expect(next.status?.reported).toMatchObject({ uptimeSeconds: 420, lastSeen: '2026-03-01T10:05:00Z' });
    expect(next.events).toEqual([]);
  });
});
