import {
  FirmwareSpecSchema, MqttSpecSchema, type Device, type Firmware, type Rollout
} from '@kubeflash/api';
import { selectorToString } from '../utils/selector';
import { durationSeconds, formatBytes, formatDuration, hex } from '../utils/format';
import { artifactFileName, firmwareFiles, sortedArtifacts } from '../utils/firmware-files';
import { base64ToBytes, bytesToBase64 } from '../utils/artifact-server';
import {
  parseIntOrPercent, parseWaves, rolloutCounts, rolloutDeviceRows, rolloutFormPreview, rolloutPercent, rolloutTargets, waveBars, waveRows,
} from '../utils/rollout';
import {
  buildMessageHead, buildReason, configBadge, identityBadge, isFlashable, onlineBadge, onlineRank, otaText, phaseBadge,
} from '../utils/badges';
import { conditionRows, isConditionFalse, TRUE_IS_BAD } from '../utils/conditions';
import { fleetStateBars, fleetTotal, firmwareVersionBars } from '../utils/fleet';
import { percentOf } from '../utils/bars';
import { fitsStringSchema } from '../utils/schema-check';
import { fixture } from './helpers';

describe('label selectors', () => {
  it('prints selectors as kubectl does (matching is @kubeflash/api\'s)', () => {
    expect(selectorToString({
      matchLabels:      { a: 'b' },
      matchExpressions: [{
        key: 'c', operator: 'In', values: ['d', 'e']
      }, { key: 'f', operator: 'DoesNotExist' }, { key: 'g', operator: 'Exists' }]
    })).toBe('a=b, c in (d,e), !f, g');
  });
});

describe('formatting', () => {
  it('formats offsets, sizes and durations', () => {
    expect(hex(65536)).toBe('0x10000');
    expect([formatBytes(512), formatBytes(21040), formatBytes(912384 * 2)]).toStrictEqual(['512 B', '20.5 KiB', '1.7 MiB']);
    expect(formatDuration(durationSeconds('2026-11-21T10:00:00Z', '2026-11-21T11:07:30Z'))).toBe('1h 7m 30s');
    expect(durationSeconds('2026-11-21T10:00:00Z', undefined, new Date('2026-11-21T10:00:05Z'))).toBe(5);
    expect(durationSeconds(undefined, undefined)).toBeUndefined();
  });
});

describe('firmware files', () => {
  const fw = fixture().firmwares[0] as Firmware;

  it('names the files the artifact service serves, and lists images in flash order', () => {
    expect(firmwareFiles('sensor-s3-1.5.0')).toStrictEqual({
      manifest: 'manifest.json', flasherArgs: 'flasher_args.json', zip: 'sensor-s3-1.5.0.zip'
    });
    expect(sortedArtifacts(fw.status!.artifacts).map(artifactFileName)).toStrictEqual(['bootloader.bin', 'partition-table.bin', 'ota-data-initial.bin', 'app.bin']);
  });
});

describe('artifact helpers', () => {
  it('round-trips base64', () => {
    const bytes = new Uint8Array(70000).map((_, i) => i % 251);

    expect(Array.from(base64ToBytes(bytesToBase64(bytes)))).toStrictEqual(Array.from(bytes));
  });
});

describe('rollout waves, devices and the preview', () => {
  it('shows the waves the operator runs, with their states, as a table and as bars', () => {
    const r = fixture().rollouts[0] as Rollout;
    const t = (k: string, a?: Record<string, unknown>) => `<${ k }${ a ? JSON.stringify(a) : '' }>`;

    expect(waveRows(r)).toStrictEqual([
      {
        wave: 1, percent: 34, devices: 1, finishedText: '1/1', stateKey: 'kubeflash.waveState.Completed'
      },
      {
        wave: 2, percent: 67, devices: 1, finishedText: '0/1', stateKey: 'kubeflash.waveState.Running'
      },
      {
        wave: 3, percent: 100, devices: 1, finishedText: '0/1', stateKey: 'kubeflash.waveState.Pending'
      },
    ]);
    expect(waveBars(r, t).map((b) => [b.label, b.segments.map((s) => s.percent), b.valueText])).toStrictEqual([
      ['<kubeflash.rollout.waveLabel{"wave":1}>', [100, 0, 0], '1/1'], ['<kubeflash.rollout.waveLabel{"wave":2}>', [0, 0, 100], '0/1'], ['<kubeflash.rollout.waveLabel{"wave":3}>', [0, 0, 0], '0/1'],
    ]);
    expect(rolloutPercent(r)).toBe(33);
  });

  it('shows the plan before the start', () => {
    const r = fixture().rollouts[0] as Rollout;

    delete r.status!.waves;
    expect(waveRows(r).map((w) => [w.wave, w.devices, w.stateKey])).toStrictEqual([[1, 1, 'kubeflash.waveState.Pending'], [2, 1, 'kubeflash.waveState.Pending'], [3, 1, 'kubeflash.waveState.Pending']]);
    expect(waveBars(r, (k) => k)).toStrictEqual([]);
  });

  it('lists each device of the waves with its own attempt, and the devices that failed for good', () => {
    const f = fixture();
    const r = f.rollouts[0] as Rollout;

    expect(rolloutDeviceRows(r, f.devices as Device[])).toStrictEqual([
      {
        name: 'sensor-attic', wave: 1, state: 'Succeeded', progress: undefined, attempt: 1, error: ''
      },
      {
        name: 'sensor-porch', wave: 2, state: 'Downloading', progress: 42, attempt: 2, error: 'download-failed: connection reset at byte 393216'
      },
      {
        name: 'sensor-new', wave: 3, state: 'Pending', progress: undefined, attempt: undefined, error: ''
      },
    ]);
    r.status!.failedDevices = [{
      name: 'sensor-porch', reason: 'signature-invalid', message: 'ECDSA verification failed'
    }];
    (f.devices[0] as Device).status!.ota!.rolloutName = 'another';
    expect(rolloutDeviceRows(r, f.devices as Device[]).slice(0, 2).map((d) => [d.state, d.error])).toStrictEqual([['Pending', ''], ['Failed', 'signature-invalid: ECDSA verification failed']]);
    expect(rolloutDeviceRows(r, f.devices as Device[], 1)).toHaveLength(1);
  });

  it('previews an unsaved rollout with the API\'s target and wave rules, an untouched selector not targeting everything', () => {
    const f = fixture();
    const devices = f.devices as Device[];
    const firmware = f.firmwares[0] as Firmware;
    const spec = (extra: Record<string, unknown>) => ({
      firmwareRef: { name: 'sensor-s3-1.5.0' }, selector: { matchLabels: {} }, strategy: { waves: [50, 100] }, ...extra
    }) as any;

    expect(rolloutTargets(spec({ devices: ['sensor-new'], macAddresses: [] }))).toStrictEqual({ devices: ['sensor-new'] });
    expect(rolloutFormPreview(spec({ devices: ['sensor-new', 'sensor-attic'] }), firmware, devices, [])).toStrictEqual({
      names:   ['sensor-new'],
      skipped: ['sensor-attic'],
      waves:   [{
        wave: 1, percent: 50, devices: 1, firstDevices: ['sensor-new']
      }, {
        wave: 2, percent: 100, devices: 0
      }],
    });
    expect(rolloutFormPreview(spec({}), firmware, devices, []).names).toStrictEqual(['sensor-new', 'sensor-porch']);
    expect(rolloutFormPreview(spec({ deviceGroups: ['attic'] }), firmware, devices, f.deviceGroups as any).names).toStrictEqual([]);
    expect(rolloutFormPreview(spec({}), undefined, devices, [])).toBeUndefined();
  });

  it('parses waves and int-or-string counts as the form gives them', () => {
    expect([parseWaves('2, 25,100'), parseWaves('10, 5'), parseWaves('5, x'), parseWaves('')]).toStrictEqual([[2, 25, 100], [10, 5], undefined, undefined]);
    expect([parseIntOrPercent(' 25 '), parseIntOrPercent('5%'), parseIntOrPercent('')]).toStrictEqual([25, '5%', undefined]);
    expect(rolloutCounts({})).toStrictEqual({
      total: 0, pending: 0, inProgress: 0, succeeded: 0, failed: 0, skipped: 0,
    });
  });
});

describe('status badges', () => {
  const [attic, porch, fresh] = fixture().devices as Device[];

  it('derives online, config and OTA state from conditions and status', () => {
    expect([onlineBadge(attic).labelKey, onlineBadge(porch).labelKey, onlineBadge(fresh).labelKey]).toStrictEqual(['kubeflash.state.online', 'kubeflash.state.offline', 'kubeflash.state.neverSeen']);
    expect([onlineRank(attic), onlineRank(porch), onlineRank(fresh)]).toStrictEqual([2, 1, 0]);
    expect([configBadge(attic).color, configBadge(porch).color, configBadge(fresh).color]).toStrictEqual(['bg-success', 'bg-error', 'bg-info']);
    expect([otaText(attic), otaText(porch), otaText(fresh)]).toStrictEqual(['Succeeded', 'Downloading 42%', '']);
    expect([identityBadge(attic), identityBadge(porch), identityBadge(fresh)].map((b) => b.labelKey)).toStrictEqual(['kubeflash.state.verified', 'kubeflash.state.mismatch', 'kubeflash.state.unknown']);
  });

  it('says why a build is where it is: Built while not True, then ArtifactsReady', () => {
    const [done, building] = fixture().firmwares as Firmware[];
    const failedSigning = {
      status: {
        conditions: [
          { ...done.status!.conditions![0] },
          {
            ...done.status!.conditions![1], status: 'False', reason: 'SigningFailed'
          },
        ],
      },
    } as Firmware;

    expect([buildReason(done), buildReason(building), buildReason(failedSigning), buildReason({})]).toStrictEqual(['Signed', 'Building', 'SigningFailed', '']);
    expect([buildMessageHead(done), buildMessageHead(building)]).toStrictEqual(['Build succeeded', undefined]);
  });

  it('colors firmware phases', () => {
    const [done, building] = fixture().firmwares as Firmware[];

    expect([phaseBadge(done), phaseBadge(building)]).toStrictEqual([{ labelKey: 'kubeflash.phase.Succeeded', color: 'bg-success' }, { labelKey: 'kubeflash.phase.Building', color: 'bg-warning' }]);
    expect([isFlashable(done), isFlashable(building), isFlashable(undefined)]).toStrictEqual([true, false, false]);
  });
});

describe('string schemas of @kubeflash/api in forms', () => {
  it('checks pattern and length the way the API server does', () => {
    const version = FirmwareSpecSchema.properties.version;

    expect(['1.5.0', '1.6.0 beta', 'x'.repeat(32), ''].map((v) => fitsStringSchema(version, v))).toStrictEqual([true, false, false, false]);
    expect(['mqtts://mqtt.example.com:8883', 'mqtt://[::1]:1883', 'ws://x', 'mqtts://a b'].map((v) => fitsStringSchema(MqttSpecSchema.properties.brokerUri, v))).toStrictEqual([true, true, false, false]);
  });
});

describe('conditions and fleet summaries', () => {
  it('lists the named conditions in order, Unknown where the operator set none, with a warning color where asked', () => {
    const porch = fixture().devices[1] as Device;
    const rows = conditionRows(porch.status?.conditions, ['Online', { type: 'FirmwareCurrent', colors: { False: 'bg-warning' } }, 'IdentityMatches', 'Nope']);

    expect(rows.map((r) => [r.type, r.badge.labelKey, r.badge.color, r.reason])).toStrictEqual([
      ['Online', 'kubeflash.conditionStatus.False', 'bg-error', 'DeviceOffline'],
      ['FirmwareCurrent', 'kubeflash.conditionStatus.False', 'bg-warning', 'UpdateInProgress'],
      ['IdentityMatches', 'kubeflash.conditionStatus.False', 'bg-error', 'MacMismatch'],
      ['Nope', 'kubeflash.conditionStatus.Unknown', 'bg-darker', ''],
    ]);
    expect(rows[0].labelKey).toBe('kubeflash.condition.Online');
    expect(conditionRows(porch.status?.conditions, [{ type: 'Online', colors: TRUE_IS_BAD }, { type: 'ConfigReady', colors: TRUE_IS_BAD }]).map((r) => r.badge.color)).toStrictEqual(['bg-success', 'bg-success']);
    expect(conditionRows(fixture().devices[0].status?.conditions as any, [{ type: 'Online', colors: TRUE_IS_BAD }])[0].badge.color).toBe('bg-warning');
    expect([isConditionFalse(porch.status?.conditions, 'IdentityMatches'), isConditionFalse(undefined, 'IdentityMatches')]).toStrictEqual([true, false]);
  });

  it('turns the fleet summary into bars of the whole fleet and of the reporting devices', () => {
    const t = (k: string) => `<${ k }>`;
    const fleet = {
      online: 7, offline: 2, neverSeen: 1, firmwareVersions: [{ version: '1.5.0', devices: 6 }, { version: '1.4.2', devices: 3 }]
    };

    expect(fleetTotal(fleet)).toBe(10);
    expect(fleetStateBars(fleet, t).map((b) => [b.key, b.label, b.segments, b.valueText])).toStrictEqual([
      ['online', '<kubeflash.state.online>', [{ color: 'bg-success', percent: 70 }], '7 (70%)'],
      ['offline', '<kubeflash.state.offline>', [{ color: 'bg-error', percent: 20 }], '2 (20%)'],
      ['never-seen', '<kubeflash.state.neverSeen>', [{ color: 'bg-darker', percent: 10 }], '1 (10%)'],
    ]);
    expect(firmwareVersionBars(fleet).map((b) => [b.label, b.segments[0].percent, b.valueText])).toStrictEqual([['1.5.0', 66.7, '6 (67%)'], ['1.4.2', 33.3, '3 (33%)']]);
    expect([fleetTotal(undefined), firmwareVersionBars(undefined), percentOf(1, 0)]).toStrictEqual([0, [], 0]);
  });
});
