import { ROLLOUT_DEFAULTS, rolloutSettings } from '../rollout';
import { Value } from '@sinclair/typebox/value';
import {
  API_VERSION,
  Chip,
  DeviceClassSpecSchema,
  DeviceConditionType,
  DeviceReason,
  DeviceResource,
  DeviceStatusSchema,
  RolloutSpecSchema,
  registerFormats,
  type Device,
  type DeviceClassSpec,
  type RolloutSpec,
} from './index';

// The static types come from the same TypeBox schemas as the CRDs: these objects must type-check,
// and the @ts-expect-error lines must not (the typecheck step fails otherwise).
const device: Device = {
  apiVersion: API_VERSION,
  kind: 'Device',
  metadata: { name: 'garage-temp-1', namespace: 'kubeflash-demo' },
  spec: { deviceClassRef: { name: 'c3-sensor' }, devicesClusterRef: { name: 'home' }, config: { values: { a: '1' } } },
  status: {
    conditions: [
      {
        type: DeviceConditionType.Online,
        status: 'True',
        reason: DeviceReason.DeviceOnline,
        message: '',
        lastTransitionTime: '2026-01-01T00:00:00Z',
      },
    ],
    ota: { state: 'Downloading', progress: 40 },
  },
};

const classSpec: DeviceClassSpec = {
  chip: Chip.ESP32S3,
  configSchema: { keys: [{ name: 'sample_period', type: 'u16', default: '60' }] },
};
// @ts-expect-error esp8266 is not a Chip
const wrongChip: DeviceClassSpec = { chip: 'esp8266' };
// @ts-expect-error a key type outside the closed set
const wrongKeyType: DeviceClassSpec = { chip: 'esp32', configSchema: { keys: [{ name: 'k', type: 'float' }] } };
const percentage: RolloutSpec = { firmwareRef: { name: 'fw' }, strategy: { maxConcurrent: '5%', waves: [5, 100] } };

describe('static types and schemas share one definition', () => {
  it('accepts the typed objects with the TypeBox checker too', () => {
    registerFormats();
    expect(Value.Check(DeviceStatusSchema, device.status)).toBe(true);
    expect(Value.Check(DeviceStatusSchema, { reported: { lastSeen: 'yesterday' } })).toBe(false);
    expect(Value.Check(DeviceClassSpecSchema, { ...classSpec, configSchema: { keys: [{ name: 'k', type: 'u8', min: 0 }] } })).toBe(true);
    expect(Value.Check(DeviceClassSpecSchema, classSpec)).toBe(true);
    expect(Value.Check(RolloutSpecSchema, percentage)).toBe(true);
    expect(device.kind).toBe(DeviceResource.kind);
  });

  it('rejects at run time what the compiler rejects', () => {
    expect(Value.Check(DeviceClassSpecSchema, wrongChip)).toBe(false);
    expect(Value.Check(DeviceClassSpecSchema, wrongKeyType)).toBe(false);
  });

  it('fills in schema defaults with TypeBox the way the API server does', () => {
    const spec = Value.Default(RolloutSpecSchema, { firmwareRef: { name: 'fw' } }) as RolloutSpec;
    expect(spec.paused).toBe(false);
    expect(spec.strategy).toEqual({
      waves: [10, 50, 100],
      maxConcurrent: 10,
      deviceTimeoutSeconds: 1800,
      progressTimeoutSeconds: 300,
      maxAttempts: 3,
      retryBackoffSeconds: 30,
      abort: { failurePercent: 20, minFinished: 5, consecutiveFailures: 5 },
    });
    expect(spec.healthCheck).toEqual({ minOnlineSeconds: 60 });
    // The operator's defaults for objects written without them are the schema's.
    expect(rolloutSettings(spec)).toEqual(ROLLOUT_DEFAULTS);
  });
});
