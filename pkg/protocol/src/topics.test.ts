import {
  CHANNEL_RULES,
  Channel,
  Direction,
  MessageKind,
  WILL_PAYLOAD,
  connectSettings,
  deviceAcl,
  deviceClientId,
  deviceId,
  deviceRoot,
  deviceTopic,
  deviceWill,
  operatorAcl,
  operatorClientId,
  operatorSubscriptions,
  parseDeviceId,
  parseMessage,
  parseTopic,
} from './index';

describe('device ids', () => {
  test('join namespace and name with a dot and split at the first dot', () => {
    expect(deviceId('garage', 'sensor.v2')).toBe('garage.sensor.v2');
    expect(parseDeviceId('garage.sensor.v2')).toEqual({ namespace: 'garage', name: 'sensor.v2' });
  });

  test.each([
    ['Garage', 'sensor', /namespace "Garage"/],
    ['garage', 'sensor_1', /name "sensor_1"/],
    ['n'.repeat(64), 's', /at most 63/],
    ['garage', 's'.repeat(254), /at most 253/],
    ['', 'sensor', /namespace ""/],
  ])('refuse %j / %j', (namespace, name, message) => {
    expect(() => deviceId(namespace, name)).toThrow(message);
  });

  test.each(['sensor', '.sensor', 'garage.', 'garage.+', 'ga/rage.sensor'])('%j is not a device id', (id) => {
    expect(parseDeviceId(id)).toBeUndefined();
  });
});

describe('topics', () => {
  test('build the root and every channel, and parse them back', () => {
    expect(deviceRoot('kubeflash', 'garage.sensor-1')).toBe('kubeflash/devices/garage.sensor-1/');
    for (const channel of Object.values(Channel)) {
      const topic = deviceTopic('site/a', 'garage.sensor-1', channel);
      expect(parseTopic('site/a', topic)).toEqual({ ok: true, deviceId: 'garage.sensor-1', channel });
    }
  });

  test('the operator subscribes to reports only, never to commands', () => {
    const filters = operatorSubscriptions('kubeflash');
    expect(filters).toEqual(['kubeflash/devices/+/status', 'kubeflash/devices/+/telemetry', 'kubeflash/devices/+/logs', 'kubeflash/devices/+/ota/+']);
    const reportChannels = Object.values(CHANNEL_RULES).filter((r) => r.direction === Direction.DeviceToOperator).map((r) => r.channel);
    const matches = (filter: string, topic: string) =>
      new RegExp(`^${filter.replace(/\+/g, '[^/]+').replace(/#$/, '.*')}$`).test(topic);
    for (const channel of Object.values(Channel)) {
      const topic = deviceTopic('kubeflash', 'garage.sensor-1', channel);
      expect({ channel, subscribed: filters.some((f) => matches(f, topic)) }).toEqual({ channel, subscribed: reportChannels.includes(channel) });
    }
  });
});

describe('channel table', () => {
  test('commands go to the device with QoS 1 and are never retained; only status is retained', () => {
    for (const rule of Object.values(CHANNEL_RULES)) {
      if (rule.channel.startsWith('cmd/')) expect(rule).toMatchObject({ direction: Direction.OperatorToDevice, qos: 1, retain: false });
      else expect(rule.direction).toBe(Direction.DeviceToOperator);
      expect({ channel: rule.channel, retain: rule.retain }).toEqual({ channel: rule.channel, retain: rule.channel === Channel.Status });
    }
    expect(CHANNEL_RULES[Channel.Status].kinds).toEqual([MessageKind.Status, MessageKind.Lwt]);
  });
});

describe('MQTT session rules', () => {
  test('the will is the retained offline status, and it parses as lwt', () => {
    const will = deviceWill('kubeflash', 'garage.sensor-1');
    expect(will).toEqual({ topic: 'kubeflash/devices/garage.sensor-1/status', payload: WILL_PAYLOAD, qos: 1, retain: true });
    const parsed = parseMessage('kubeflash', will.topic, will.payload);
    expect(parsed.ok && parsed.message.kind).toBe(MessageKind.Lwt);
  });

  test('client ids: a device uses its device id; the operator an id no device id can take', () => {
    expect(deviceClientId('garage.sensor-1')).toBe('garage.sensor-1');
    const operator = operatorClientId('kubeflash-system', 'home');
    expect(operator).toBe('kubeflash_operator.kubeflash-system.home');
    expect(parseDeviceId(operator)).toBeUndefined();
  });

  test('a device may receive only its own commands and publish only its own non-command topics', () => {
    const acl = deviceAcl('kubeflash', 'garage.sensor-1');
    const decide = (action: string, topic: string) => {
      const hit = acl.find((e) => e.action === action && new RegExp(`^${e.topic.replace(/#$/, '.*')}$`).test(topic));
      return hit?.allow ?? false;
    };
    const own = (c: string) => `kubeflash/devices/garage.sensor-1/${c}`;
    expect(decide('publish', own('status'))).toBe(true);
    expect(decide('publish', own('ota/result'))).toBe(true);
    expect(decide('publish', own('cmd/ota'))).toBe(false);
    expect(decide('subscribe', own('cmd/#'))).toBe(true);
    expect(decide('receive', own('cmd/reboot'))).toBe(true);
    expect(decide('publish', 'kubeflash/devices/garage.sensor-2/status')).toBe(false);
    expect(decide('subscribe', 'kubeflash/devices/garage.sensor-2/cmd/#')).toBe(false);
    expect(decide('subscribe', '#')).toBe(false);
    expect(decide('publish', '$CONTROL/dynamic-security/v1')).toBe(false);
  });

  test('the operator may publish commands and clear status, and subscribe to what it parses', () => {
    const acl = operatorAcl('kubeflash');
    expect(acl.filter((e) => e.action === 'publish').map((e) => e.topic)).toEqual(['kubeflash/devices/+/cmd/#', 'kubeflash/devices/+/status']);
    expect(acl.filter((e) => e.action === 'subscribe').map((e) => e.topic)).toEqual(operatorSubscriptions('kubeflash'));
  });
});

describe('connectSettings', () => {
  it('states the session rules for both sides and both protocol levels', () => {
    expect(connectSettings('device', 5)).toEqual({ protocolVersion: 5, clean: true, keepalive: 60, properties: { sessionExpiryInterval: 0 } });
    expect(connectSettings('device', 4)).toEqual({ protocolVersion: 4, clean: true, keepalive: 60 });
    expect(connectSettings('operator', 5)).toEqual({ protocolVersion: 5, clean: false, keepalive: 30, properties: { sessionExpiryInterval: 3600 } });
    expect(connectSettings('operator', 4)).toEqual({ protocolVersion: 4, clean: false, keepalive: 30 });
  });
});
