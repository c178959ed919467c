import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Direction,
  MessageKind,
  ProtocolError,
  ViolationReason,
  buildMessage,
  factoryResetCommand,
  otaCommand,
  otaCommandId,
  parseMessage,
  parseOtaCommandId,
  rebootCommand,
} from './index';
import { VECTORS_DIR } from './vectors/node';

const ROLLOUT = '0b7c3a52-2c1e-4f7e-9a3d-5a1f0e2b9c11';
const signature = readFileSync(join(VECTORS_DIR, 'ota-signature', 'image.sig')).toString('base64');
const OTA_INPUT = {
  rolloutUid: ROLLOUT,
  attempt: 2,
  version: '1.5.0',
  url: 'https://artifacts.example.com/app.bin',
  size: 4096,
  sha256: '314715839c882431fe160e820a6db689873b2b63a8db54b6ef7bf78b64f903d8',
  signature,
};

describe('command builders', () => {
  test('cmd/ota: topic, QoS 1, not retained, and the device parses it back', () => {
    const message = otaCommand('kubeflash', 'garage.sensor-1', OTA_INPUT);
    expect(message).toMatchObject({ topic: 'kubeflash/devices/garage.sensor-1/cmd/ota', qos: 1, retain: false });
    const parsed = parseMessage('kubeflash', message.topic, message.payload, { direction: Direction.OperatorToDevice });
    expect(parsed).toMatchObject({ ok: true, message: { kind: MessageKind.CmdOta, payload: { id: `${ROLLOUT}/2`, size: 4096 } } });
  });

  test('cmd/ota refuses what a device would reject, naming the field', () => {
    expect(() => otaCommand('kubeflash', 'garage.sensor-1', { ...OTA_INPUT, url: 'ftp://x/app.bin' })).toThrow(ProtocolError);
    try {
      otaCommand('kubeflash', 'garage.sensor-1', { ...OTA_INPUT, signature: Buffer.alloc(64, 1).toString('base64') });
      throw new Error('no error');
    } catch (error) {
      expect((error as ProtocolError).violation).toMatchObject({ reason: ViolationReason.InvalidFormat, field: '/signature' });
    }
    expect(() => otaCommand('kubeflash', 'garage.sensor-1', { ...OTA_INPUT, attempt: 0 })).toThrow(/attempt from 1/);
    expect(() => otaCommand('kube+flash', 'garage.sensor-1', OTA_INPUT)).toThrow(/topic prefix/);
    expect(() => otaCommand('kubeflash', 'Garage', OTA_INPUT)).toThrow(ProtocolError);
  });

  test('cmd/reboot and cmd/factory-reset get a random UUID id unless given one; factory reset confirms the device id', () => {
    const reboot = JSON.parse(rebootCommand('kubeflash', 'garage.sensor-1').payload) as { id: string };
    expect(reboot.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const reset = factoryResetCommand('kubeflash', 'garage.sensor.v2', '9a3e1c07-77d2-4f0b-8c1e-2b9f6d4a0e53');
    expect(JSON.parse(reset.payload)).toEqual({ id: '9a3e1c07-77d2-4f0b-8c1e-2b9f6d4a0e53', confirm: 'garage.sensor.v2' });
    expect(() => rebootCommand('kubeflash', 'garage.sensor-1', 'NOT-A-UUID')).toThrow(/lowercase UUID/);
  });

  test('OTA command ids round-trip', () => {
    expect(parseOtaCommandId(otaCommandId(ROLLOUT, 17))).toEqual({ rolloutUid: ROLLOUT, attempt: 17 });
    expect(parseOtaCommandId(`${ROLLOUT}/0`)).toBeUndefined();
    expect(() => otaCommandId(ROLLOUT, 1.5)).toThrow(/attempt/);
  });
});

describe('buildMessage for device reports (the virtual device)', () => {
  test('status is retained with QoS 1 and parses back as sent', () => {
    const payload = {
      state: 'online' as const, fw: '1.4.2', project: 'c3-sensor', chip: 'esp32c3', mac: 'a4:cf:12:00:00:01', ip: '10.0.0.7',
      uptime: 5, resetReason: 'poweron' as const, imageState: 'valid' as const,
    };
    const message = buildMessage('kubeflash', 'garage.sensor-1', MessageKind.Status, payload);
    expect(message).toMatchObject({ topic: 'kubeflash/devices/garage.sensor-1/status', qos: 1, retain: true });
    expect(parseMessage('kubeflash', message.topic, message.payload)).toMatchObject({ ok: true, message: { kind: 'status', payload } });
  });

  test('an offline payload built as status is refused (it would read as lwt)', () => {
    expect(() => buildMessage('kubeflash', 'garage.sensor-1', MessageKind.Status, { state: 'offline' } as never)).toThrow(/reads as lwt/);
  });

  test('progress with bytes above total is refused as inconsistent', () => {
    expect(() =>
      buildMessage('kubeflash', 'garage.sensor-1', MessageKind.OtaProgress, { id: `${ROLLOUT}/1`, state: 'downloading', bytes: 10, total: 5 }),
    ).toThrow(/exceeds/);
  });
});

describe('parseMessage direction option', () => {
  test('the operator, asking for device reports, gets wrong-direction for a command topic', () => {
    const command = rebootCommand('kubeflash', 'garage.sensor-1');
    const parsed = parseMessage('kubeflash', command.topic, command.payload, { direction: Direction.DeviceToOperator });
    expect(parsed).toMatchObject({ ok: false, violation: { reason: ViolationReason.WrongDirection, deviceId: 'garage.sensor-1', channel: 'cmd/reboot' } });
  });

  test('violation details name the field and never echo the value', () => {
    const secretish = 'hunter2-password-like-value';
    const parsed = parseMessage('kubeflash', 'kubeflash/devices/garage.sensor-1/logs', JSON.stringify({ level: 'info', tag: secretish, msg: 'x', extra: secretish }));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.violation).toMatchObject({ reason: ViolationReason.UnknownField, field: '/extra', kind: 'logs' });
      expect(parsed.violation.detail).not.toContain(secretish);
    }
  });
});
