// The message vectors, written as data: every case states by hand the verdict, reason and field that every
// consumer (operator parser, virtual device, firmware host tests) must reach. generate.ts writes them to vectors/.
// Each invalid case breaks exactly one rule, so the expected reason does not depend on the order of checks.
import { Channel, MessageKind, ViolationReason as R } from '../src/index';
import { VECTOR_FORMAT, type VectorCase, type VectorFile } from '../src/vectors/format';

const PREFIX = 'kubeflash';
const DEVICE = 'garage.sensor-1';
const topicOf = (channel: string, device = DEVICE, prefix = PREFIX) => `${prefix}/devices/${device}/${channel}`;

type Payload = string | Uint8Array | Record<string, unknown> | unknown[];
interface Where {
  topic?: string;
  topicPrefix?: string;
}

function payloadFields(payload: Payload): Pick<VectorCase, 'payload' | 'payloadBase64'> {
  if (payload instanceof Uint8Array) return { payloadBase64: Buffer.from(payload).toString('base64') };
  if (typeof payload === 'string') return { payload };
  return { payload: JSON.stringify(payload) };
}

function valid(name: string, channel: Channel, kind: MessageKind, payload: Payload, where: Where = {}): VectorCase {
  return {
    name,
    topicPrefix: where.topicPrefix ?? PREFIX,
    topic: where.topic ?? topicOf(channel),
    ...payloadFields(payload),
    channel,
    verdict: 'valid',
    kind,
  };
}

function invalid(name: string, channel: Channel | undefined, payload: Payload, reason: R, field: string | undefined, where: Where = {}): VectorCase {
  return {
    name,
    topicPrefix: where.topicPrefix ?? PREFIX,
    topic: where.topic ?? topicOf(channel ?? 'status'),
    ...payloadFields(payload),
    ...(channel ? { channel } : {}),
    verdict: 'invalid',
    reason,
    ...(field !== undefined ? { field } : {}),
  };
}

const without = (o: Record<string, unknown>, key: string) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));
const utf8 = (text: string) => new TextEncoder().encode(text);
/** A JSON object text padded with spaces before the closing brace to exactly `bytes` bytes. */
function padded(o: Record<string, unknown>, bytes: number): string {
  const text = JSON.stringify(o);
  return `${text.slice(0, -1)}${' '.repeat(bytes - text.length)}}`;
}
const hex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
const b64 = (h: string) => Buffer.from(hex(h)).toString('base64');

// ---------------------------------------------------------------------------------------------------------------
const STATUS = {
  state: 'online',
  fw: '1.4.2',
  project: 'c3-sensor',
  idf: 'v5.3.1',
  chip: 'esp32c3',
  mac: 'a4:cf:12:00:00:01',
  ip: '192.168.1.20',
  rssi: -61,
  uptime: 123,
  resetReason: 'poweron',
  imageState: 'valid',
  partition: 'ota_0',
  ts: 1700000000,
};
const STATUS_MIN = without(without(without(without(STATUS, 'idf'), 'rssi'), 'partition'), 'ts');
const S = Channel.Status;

const topics: VectorFile = {
  format: VECTOR_FORMAT,
  protocol: 1,
  description: 'Topic rules: <topicPrefix>/devices/<namespace>.<name>/<channel>. The payloads are valid; only the topic decides.',
  cases: [
    valid('topic: default prefix', S, MessageKind.Status, STATUS),
    valid('topic: multi-level prefix', S, MessageKind.Status, STATUS, { topicPrefix: 'site-a/fleet_2', topic: topicOf('status', DEVICE, 'site-a/fleet_2') }),
    valid('topic: device name with dots (namespace ends at the first dot)', S, MessageKind.Status, STATUS, { topic: topicOf('status', 'garage.sensor.v2') }),
    valid('topic: namespace of 63 characters', S, MessageKind.Status, STATUS, { topic: topicOf('status', `${'n'.repeat(63)}.s`) }),
    valid('topic: prefix containing a devices level', Channel.CmdReboot, MessageKind.CmdReboot, { id: '5f0c6a1e-8a47-4c3e-9a51-0d1f2b3c4d5e' }, { topicPrefix: 'a/devices/b', topic: topicOf('cmd/reboot', DEVICE, 'a/devices/b') }),
    invalid('topic: other prefix', undefined, STATUS, R.UnknownTopic, undefined, { topic: topicOf('status', DEVICE, 'other') }),
    invalid('topic: prefix only matches as a string, not as levels', undefined, STATUS, R.UnknownTopic, undefined, { topic: topicOf('status', DEVICE, 'kubeflash2') }),
    invalid('topic: devices level missing', undefined, STATUS, R.UnknownTopic, undefined, { topic: `${PREFIX}/${DEVICE}/status` }),
    invalid('topic: no channel', undefined, STATUS, R.UnknownTopic, undefined, { topic: `${PREFIX}/devices/${DEVICE}` }),
    invalid('topic: unknown channel', undefined, STATUS, R.UnknownTopic, undefined, { topic: topicOf('config') }),
    invalid('topic: channel in upper case', undefined, STATUS, R.UnknownTopic, undefined, { topic: topicOf('Status') }),
    invalid('topic: trailing slash', undefined, STATUS, R.UnknownTopic, undefined, { topic: `${topicOf('status')}/` }),
    invalid('topic: extra level after the channel', undefined, { id: '5f0c6a1e-8a47-4c3e-9a51-0d1f2b3c4d5e' }, R.UnknownTopic, undefined, { topic: topicOf('cmd/reboot/now') }),
    invalid('topic: cmd alone', undefined, { id: '5f0c6a1e-8a47-4c3e-9a51-0d1f2b3c4d5e' }, R.UnknownTopic, undefined, { topic: topicOf('cmd') }),
    invalid('topic: device id without namespace', undefined, STATUS, R.InvalidDeviceId, undefined, { topic: topicOf('status', 'sensor-1') }),
    invalid('topic: device id in upper case', undefined, STATUS, R.InvalidDeviceId, undefined, { topic: topicOf('status', 'Garage.sensor-1') }),
    invalid('topic: empty device id', undefined, STATUS, R.InvalidDeviceId, undefined, { topic: topicOf('status', '') }),
    invalid('topic: wildcard as device id', undefined, STATUS, R.InvalidDeviceId, undefined, { topic: topicOf('status', '+') }),
    invalid('topic: underscore in device id', undefined, STATUS, R.InvalidDeviceId, undefined, { topic: topicOf('status', 'garage.sensor_1') }),
    invalid('topic: name ends with a dash', undefined, STATUS, R.InvalidDeviceId, undefined, { topic: topicOf('status', 'garage.sensor-') }),
    invalid('topic: empty name label', undefined, STATUS, R.InvalidDeviceId, undefined, { topic: topicOf('status', 'garage..sensor') }),
    invalid('topic: namespace of 64 characters', undefined, STATUS, R.InvalidDeviceId, undefined, { topic: topicOf('status', `${'n'.repeat(64)}.s`) }),
    invalid('topic: name of 254 characters', undefined, STATUS, R.InvalidDeviceId, undefined, { topic: topicOf('status', `g.${'s'.repeat(254)}`) }),
  ],
};

const status: VectorFile = {
  format: VECTOR_FORMAT,
  protocol: 1,
  description: 'status while online (retained, QoS 1), and the payload-level rules (size, UTF-8, JSON, object) on the status channel.',
  cases: [
    valid('status: every field', S, MessageKind.Status, STATUS),
    valid('status: required fields only', S, MessageKind.Status, STATUS_MIN),
    valid('status: fields in another order', S, MessageKind.Status, Object.fromEntries(Object.entries(STATUS).reverse())),
    valid('status: pretty-printed', S, MessageKind.Status, JSON.stringify(STATUS, null, 2)),
    valid('status: IPv6 link-local', S, MessageKind.Status, { ...STATUS, ip: 'fe80::a6cf:12ff:fe00:1' }),
    valid('status: IPv6 full form', S, MessageKind.Status, { ...STATUS, ip: '2001:db8:0:0:1:0:0:1' }),
    valid('status: pending-verify after an OTA', S, MessageKind.Status, { ...STATUS, fw: '1.5.0', imageState: 'pending-verify', resetReason: 'sw', partition: 'ota_1', uptime: 4 }),
    valid('status: factory app without OTA state', S, MessageKind.Status, { ...STATUS, imageState: 'undefined', partition: 'factory' }),
    valid('status: Ethernet board without rssi', S, MessageKind.Status, { ...without(STATUS, 'rssi'), chip: 'esp32' }),
    valid('status: rssi at its bounds (0)', S, MessageKind.Status, { ...STATUS, rssi: 0 }),
    valid('status: rssi at its bounds (-127)', S, MessageKind.Status, { ...STATUS, rssi: -127 }),
    valid('status: uptime at the 32-bit maximum', S, MessageKind.Status, { ...STATUS, uptime: 4294967295 }),
    valid('status: watchdog reset', S, MessageKind.Status, { ...STATUS, resetReason: 'task-wdt' }),
    valid('status: brownout reset', S, MessageKind.Status, { ...STATUS, resetReason: 'brownout' }),
    valid('status: version with pre-release and build metadata', S, MessageKind.Status, { ...STATUS, fw: '1.5.0-rc.1+g1a2b3c4' }),
    valid('status: version of 31 characters', S, MessageKind.Status, { ...STATUS, fw: '1'.repeat(31) }),
    valid('status: exactly 1024 bytes', S, MessageKind.Status, padded(STATUS, 1024)),
    valid('status: integer written with exponent', S, MessageKind.Status, JSON.stringify(STATUS).replace('"uptime":123', '"uptime":1.23e2')),
    invalid('status: missing state', S, without(STATUS, 'state'), R.MissingField, '/state'),
    invalid('status: missing fw', S, without(STATUS, 'fw'), R.MissingField, '/fw'),
    invalid('status: missing project', S, without(STATUS, 'project'), R.MissingField, '/project'),
    invalid('status: missing chip', S, without(STATUS, 'chip'), R.MissingField, '/chip'),
    invalid('status: missing mac', S, without(STATUS, 'mac'), R.MissingField, '/mac'),
    invalid('status: missing ip', S, without(STATUS, 'ip'), R.MissingField, '/ip'),
    invalid('status: missing uptime', S, without(STATUS, 'uptime'), R.MissingField, '/uptime'),
    invalid('status: missing resetReason', S, without(STATUS, 'resetReason'), R.MissingField, '/resetReason'),
    invalid('status: missing imageState', S, without(STATUS, 'imageState'), R.MissingField, '/imageState'),
    invalid('status: unknown field', S, { ...STATUS, heap: 123456 }, R.UnknownField, '/heap'),
    invalid('status: field name in another case', S, { ...STATUS, ResetReason: 'poweron' }, R.UnknownField, '/ResetReason'),
    invalid('status: state in upper case', S, { ...STATUS, state: 'Online' }, R.InvalidValue, '/state'),
    invalid('status: state as boolean', S, { ...STATUS, state: true }, R.WrongType, '/state'),
    invalid('status: fw as number', S, { ...STATUS, fw: 1.4 }, R.WrongType, '/fw'),
    invalid('status: fw empty', S, { ...STATUS, fw: '' }, R.InvalidFormat, '/fw'),
    invalid('status: fw with a space', S, { ...STATUS, fw: '1.4 beta' }, R.InvalidFormat, '/fw'),
    invalid('status: fw of 32 characters', S, { ...STATUS, fw: '1'.repeat(32) }, R.OutOfRange, '/fw'),
    invalid('status: project with a space', S, { ...STATUS, project: 'c3 sensor' }, R.InvalidFormat, '/project'),
    invalid('status: chip in upper case', S, { ...STATUS, chip: 'ESP32C3' }, R.InvalidFormat, '/chip'),
    invalid('status: chip not an ESP32', S, { ...STATUS, chip: 'stm32f4' }, R.InvalidFormat, '/chip'),
    invalid('status: mac in upper case', S, { ...STATUS, mac: 'A4:CF:12:00:00:01' }, R.InvalidFormat, '/mac'),
    invalid('status: mac with dashes', S, { ...STATUS, mac: 'a4-cf-12-00-00-01' }, R.InvalidFormat, '/mac'),
    invalid('status: mac with five octets', S, { ...STATUS, mac: 'a4:cf:12:00:00' }, R.InvalidFormat, '/mac'),
    invalid('status: ip octet above 255', S, { ...STATUS, ip: '192.168.1.256' }, R.InvalidFormat, '/ip'),
    invalid('status: ip with three octets', S, { ...STATUS, ip: '192.168.1' }, R.InvalidFormat, '/ip'),
    invalid('status: ip with leading zero', S, { ...STATUS, ip: '192.168.01.20' }, R.InvalidFormat, '/ip'),
    invalid('status: ip as host name', S, { ...STATUS, ip: 'sensor.local' }, R.InvalidFormat, '/ip'),
    invalid('status: IPv6 with two double colons', S, { ...STATUS, ip: 'fe80::1::2' }, R.InvalidFormat, '/ip'),
    invalid('status: rssi positive', S, { ...STATUS, rssi: 5 }, R.OutOfRange, '/rssi'),
    invalid('status: rssi below -127', S, { ...STATUS, rssi: -128 }, R.OutOfRange, '/rssi'),
    invalid('status: rssi as string', S, { ...STATUS, rssi: '-61' }, R.WrongType, '/rssi'),
    invalid('status: rssi with a fraction', S, { ...STATUS, rssi: -61.5 }, R.WrongType, '/rssi'),
    invalid('status: uptime negative', S, { ...STATUS, uptime: -1 }, R.OutOfRange, '/uptime'),
    invalid('status: uptime above 32 bits', S, { ...STATUS, uptime: 4294967296 }, R.OutOfRange, '/uptime'),
    invalid('status: uptime null', S, { ...STATUS, uptime: null }, R.WrongType, '/uptime'),
    invalid('status: resetReason as ESP-IDF constant', S, { ...STATUS, resetReason: 'ESP_RST_POWERON' }, R.InvalidValue, '/resetReason'),
    invalid('status: resetReason unknown word', S, { ...STATUS, resetReason: 'watchdog' }, R.InvalidValue, '/resetReason'),
    invalid('status: imageState new (never the running image)', S, { ...STATUS, imageState: 'new' }, R.InvalidValue, '/imageState'),
    invalid('status: partition label with a space', S, { ...STATUS, partition: 'ota 1' }, R.InvalidFormat, '/partition'),
    invalid('status: ts from an unsynchronised clock', S, { ...STATUS, ts: 12 }, R.OutOfRange, '/ts'),
    invalid('status: ts in milliseconds', S, { ...STATUS, ts: 1700000000000 }, R.OutOfRange, '/ts'),
    invalid('status: ts as ISO string', S, { ...STATUS, ts: '2023-11-14T22:13:20Z' }, R.WrongType, '/ts'),
    invalid('status: 1025 bytes', S, padded(STATUS, 1025), R.TooLarge, ''),
    invalid('status: empty payload (retained status cleared)', S, '', R.EmptyPayload, ''),
    invalid('status: whitespace only', S, ' ', R.InvalidJson, ''),
    invalid('status: truncated JSON', S, JSON.stringify(STATUS).slice(0, 40), R.InvalidJson, ''),
    invalid('status: trailing comma', S, JSON.stringify(STATUS).replace(/}$/, ',}'), R.InvalidJson, ''),
    invalid('status: single quotes', S, "{'state':'online'}", R.InvalidJson, ''),
    invalid('status: NaN', S, JSON.stringify(STATUS).replace('"rssi":-61', '"rssi":NaN'), R.InvalidJson, ''),
    invalid('status: two JSON values', S, `${JSON.stringify(STATUS)}{}`, R.InvalidJson, ''),
    invalid('status: UTF-8 byte order mark', S, Uint8Array.from([0xef, 0xbb, 0xbf, ...utf8(JSON.stringify(STATUS))]), R.InvalidJson, ''),
    invalid('status: invalid UTF-8 byte', S, Uint8Array.from([...utf8('{"state":"online","fw":"1.4.2'), 0xff, ...utf8('"}')]), R.InvalidUtf8, ''),
    invalid('status: overlong UTF-8 encoding', S, Uint8Array.from([...utf8('{"state":"'), 0xc0, 0xaf, ...utf8('"}')]), R.InvalidUtf8, ''),
    invalid('status: UTF-8 encoded surrogate', S, Uint8Array.from([...utf8('{"state":"'), 0xed, 0xa0, 0x80, ...utf8('"}')]), R.InvalidUtf8, ''),
    invalid('status: NUL byte after the object', S, Uint8Array.from([...utf8(JSON.stringify(STATUS)), 0x00]), R.InvalidJson, ''),
    invalid('status: JSON array', S, [STATUS], R.NotAnObject, ''),
    invalid('status: JSON string', S, '"online"', R.NotAnObject, ''),
    invalid('status: JSON null', S, 'null', R.NotAnObject, ''),
    invalid('status: JSON number', S, '1', R.NotAnObject, ''),
  ],
};

const LWT = Channel.Status;
const lwt: VectorFile = {
  format: VECTOR_FORMAT,
  protocol: 1,
  description: 'The offline status on the status channel: the will (no reason) and a deliberate offline before a restart.',
  cases: [
    valid('lwt: the will payload', LWT, MessageKind.Lwt, '{"state":"offline"}'),
    valid('lwt: before cmd/reboot', LWT, MessageKind.Lwt, { state: 'offline', reason: 'reboot' }),
    valid('lwt: before a factory reset', LWT, MessageKind.Lwt, { state: 'offline', reason: 'factory-reset', ts: 1700000000 }),
    valid('lwt: before booting a new image', LWT, MessageKind.Lwt, { state: 'offline', reason: 'ota' }),
    valid('lwt: with whitespace', LWT, MessageKind.Lwt, '{ "state" : "offline" }\n'),
    invalid('lwt: unknown reason', LWT, { state: 'offline', reason: 'crash' }, R.InvalidValue, '/reason'),
    invalid('lwt: reason null', LWT, { state: 'offline', reason: null }, R.WrongType, '/reason'),
    invalid('lwt: online fields in the offline status', LWT, { state: 'offline', uptime: 5 }, R.UnknownField, '/uptime'),
    invalid('lwt: ts from an unsynchronised clock', LWT, { state: 'offline', reason: 'reboot', ts: 3 }, R.OutOfRange, '/ts'),
    invalid('lwt: the will of 1025 bytes', LWT, padded({ state: 'offline' }, 1025), R.TooLarge, ''),
  ],
};

const T = Channel.Telemetry;
const manyValues = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`v${i}`, i]));
const telemetry: VectorFile = {
  format: VECTOR_FORMAT,
  protocol: 1,
  description: 'telemetry (QoS 0, not retained): named numeric or boolean readings.',
  cases: [
    valid('telemetry: one reading', T, MessageKind.Telemetry, { values: { temperature_c: 21.5 } }),
    valid('telemetry: numbers, booleans and a timestamp', T, MessageKind.Telemetry, { ts: 1700000000, values: { temperature_c: -3.25, humidity_pct: 55, door_open: false, free_heap: 183204, lux: 1.2e4 } }),
    valid('telemetry: 32 readings', T, MessageKind.Telemetry, { values: manyValues(32) }),
    valid('telemetry: name of 32 characters', T, MessageKind.Telemetry, { values: { [`a${'b'.repeat(31)}`]: 1 } }),
    invalid('telemetry: missing values', T, { ts: 1700000000 }, R.MissingField, '/values'),
    invalid('telemetry: empty values', T, { values: {} }, R.OutOfRange, '/values'),
    invalid('telemetry: 33 readings', T, { values: manyValues(33) }, R.OutOfRange, '/values'),
    invalid('telemetry: values as array', T, { values: [1, 2] }, R.WrongType, '/values'),
    invalid('telemetry: name in upper case', T, { values: { Temperature: 21.5 } }, R.InvalidFormat, '/values/Temperature'),
    invalid('telemetry: name starting with a digit', T, { values: { '1wire_temp': 21.5 } }, R.InvalidFormat, '/values/1wire_temp'),
    invalid('telemetry: name with a dash', T, { values: { 'temp-c': 21.5 } }, R.InvalidFormat, '/values/temp-c'),
    invalid('telemetry: name of 33 characters', T, { values: { [`a${'b'.repeat(32)}`]: 1 } }, R.InvalidFormat, `/values/a${'b'.repeat(32)}`),
    invalid('telemetry: string reading', T, { values: { temperature_c: '21.5' } }, R.WrongType, '/values/temperature_c'),
    invalid('telemetry: null reading', T, { values: { temperature_c: null } }, R.WrongType, '/values/temperature_c'),
    invalid('telemetry: nested reading', T, { values: { temperature: { c: 21.5 } } }, R.WrongType, '/values/temperature'),
    invalid('telemetry: unknown top-level field', T, { values: { lux: 1 }, device: DEVICE }, R.UnknownField, '/device'),
    invalid('telemetry: ts negative', T, { ts: -1, values: { lux: 1 } }, R.OutOfRange, '/ts'),
    invalid('telemetry: 4097 bytes', T, padded({ values: { lux: 1 } }, 4097), R.TooLarge, ''),
  ],
};

const L = Channel.Logs;
const LOG = { level: 'info', tag: 'wifi', msg: 'connected to garage-ap, rssi -61' };
const logs: VectorFile = {
  format: VECTOR_FORMAT,
  protocol: 1,
  description: 'logs (QoS 0, not retained): one log record per message.',
  cases: [
    valid('logs: info record', L, MessageKind.Logs, LOG),
    valid('logs: error with uptime and timestamp', L, MessageKind.Logs, { level: 'error', tag: 'ota', msg: 'esp_ota_end failed: ESP_ERR_OTA_VALIDATE_FAILED', uptimeMs: 51234, ts: 1700000000 }),
    valid('logs: tabs and newlines', L, MessageKind.Logs, { level: 'warn', tag: 'sensor', msg: 'retrying\n\tattempt 2' }),
    valid('logs: non-ASCII text', L, MessageKind.Logs, { level: 'debug', tag: 'app', msg: 'Temperatur 21 °C — ok ✓ 🌡' }),
    valid('logs: empty message', L, MessageKind.Logs, { level: 'verbose', tag: 'app', msg: '' }),
    valid('logs: message of 1024 characters', L, MessageKind.Logs, { ...LOG, msg: 'x'.repeat(1024) }),
    invalid('logs: unknown level', L, { ...LOG, level: 'fatal' }, R.InvalidValue, '/level'),
    invalid('logs: level as letter', L, { ...LOG, level: 'I' }, R.InvalidValue, '/level'),
    invalid('logs: missing tag', L, without(LOG, 'tag'), R.MissingField, '/tag'),
    invalid('logs: missing msg', L, without(LOG, 'msg'), R.MissingField, '/msg'),
    invalid('logs: tag with a space', L, { ...LOG, tag: 'wifi sta' }, R.InvalidFormat, '/tag'),
    invalid('logs: tag of 33 characters', L, { ...LOG, tag: 't'.repeat(33) }, R.OutOfRange, '/tag'),
    invalid('logs: ANSI colour escape', L, { ...LOG, msg: '\u001b[0;32mconnected\u001b[0m' }, R.InvalidFormat, '/msg'),
    invalid('logs: message of 1025 characters', L, { ...LOG, msg: 'x'.repeat(1025) }, R.OutOfRange, '/msg'),
    invalid('logs: msg as number', L, { ...LOG, msg: 42 }, R.WrongType, '/msg'),
    invalid('logs: uptimeMs negative', L, { ...LOG, uptimeMs: -1 }, R.OutOfRange, '/uptimeMs'),
    invalid('logs: 2049 bytes', L, padded(LOG, 2049), R.TooLarge, ''),
  ],
};

// The image, public key and signatures of vectors/ota-signature/: `openssl dgst -sha256 -sign` over image.bin with a
// throwaway P-256 key. SIG_70 is image.sig (r and s of 32 bytes); SIG_72 is image-72.sig (r and s with the high bit
// set, so each carries a leading zero byte: the longest DER form).
const SIG_70 =
  '304402202306ffe38aae047ecc71fb70d4ced7770ebbe624cb46f50391bdd5c2c5a8801a022023609c6ce094dc22b1f31c3705765081be96eb99955c4a25a390fc9e6d2894bb';
const SIG_72 =
  '30460221009ddfbd0f401f3de58fd1fbb7401ed41c2aac85e04e7a3f56711b5f36bf0b09a3022100c841504ed120bffa42093464598718db55c7094edcacd10b27a8d8e5c546bddd';
const OTA = {
  id: '0b7c3a52-2c1e-4f7e-9a3d-5a1f0e2b9c11/1',
  version: '1.5.0',
  url: 'https://artifacts.example.com/firmware/default/c3-sensor-1.5.0/app.bin',
  size: 4096,
  sha256: '314715839c882431fe160e820a6db689873b2b63a8db54b6ef7bf78b64f903d8',
  signature: b64(SIG_70),
};
const O = Channel.CmdOta;
const otaInvalid = (name: string, payload: Payload, reason: R, field: string) => invalid(`cmd/ota: ${name}`, O, payload, reason, field);
const cmdOta: VectorFile = {
  format: VECTOR_FORMAT,
  protocol: 1,
  description: 'cmd/ota (operator -> device, QoS 1, not retained). The signature must be base64 of a well-formed DER ECDSA-Sig-Value.',
  cases: [
    valid('cmd/ota: https', O, MessageKind.CmdOta, OTA),
    valid('cmd/ota: http with port, query string and 72-byte signature', O, MessageKind.CmdOta, { ...OTA, url: 'http://192.168.1.5:8080/api/v1/artifacts/app.bin?token=AbC-123_x~y&expires=1700000000', signature: b64(SIG_72) }),
    valid('cmd/ota: IPv6 host', O, MessageKind.CmdOta, { ...OTA, url: 'https://[fd00::5]:8443/app.bin' }),
    valid('cmd/ota: host only', O, MessageKind.CmdOta, { ...OTA, url: 'https://a.example' }),
    valid('cmd/ota: attempt 999999', O, MessageKind.CmdOta, { ...OTA, id: '0b7c3a52-2c1e-4f7e-9a3d-5a1f0e2b9c11/999999' }),
    valid('cmd/ota: size of 16 MiB', O, MessageKind.CmdOta, { ...OTA, size: 16777216 }),
    valid('cmd/ota: shortest DER signature (r = s = 1)', O, MessageKind.CmdOta, { ...OTA, signature: b64('3006020101020101') }),
    valid('cmd/ota: URL of 1024 characters', O, MessageKind.CmdOta, { ...OTA, url: `https://a.example/${'p'.repeat(1024 - 18)}` }),
    otaInvalid('missing id', without(OTA, 'id'), R.MissingField, '/id'),
    otaInvalid('missing version', without(OTA, 'version'), R.MissingField, '/version'),
    otaInvalid('missing url', without(OTA, 'url'), R.MissingField, '/url'),
    otaInvalid('missing size', without(OTA, 'size'), R.MissingField, '/size'),
    otaInvalid('missing sha256', without(OTA, 'sha256'), R.MissingField, '/sha256'),
    otaInvalid('missing signature', without(OTA, 'signature'), R.MissingField, '/signature'),
    otaInvalid('unknown field', { ...OTA, force: true }, R.UnknownField, '/force'),
    otaInvalid('id without attempt', { ...OTA, id: '0b7c3a52-2c1e-4f7e-9a3d-5a1f0e2b9c11' }, R.InvalidFormat, '/id'),
    otaInvalid('id with attempt 0', { ...OTA, id: '0b7c3a52-2c1e-4f7e-9a3d-5a1f0e2b9c11/0' }, R.InvalidFormat, '/id'),
    otaInvalid('id with upper-case UUID', { ...OTA, id: '0B7C3A52-2C1E-4F7E-9A3D-5A1F0E2B9C11/1' }, R.InvalidFormat, '/id'),
    otaInvalid('id as number', { ...OTA, id: 1 }, R.WrongType, '/id'),
    otaInvalid('version with a slash', { ...OTA, version: '1.5/0' }, R.InvalidFormat, '/version'),
    otaInvalid('version of 32 characters', { ...OTA, version: '1'.repeat(32) }, R.OutOfRange, '/version'),
    otaInvalid('url with ftp scheme', { ...OTA, url: 'ftp://artifacts.example.com/app.bin' }, R.InvalidFormat, '/url'),
    otaInvalid('url with upper-case scheme', { ...OTA, url: 'HTTPS://artifacts.example.com/app.bin' }, R.InvalidFormat, '/url'),
    otaInvalid('url without host', { ...OTA, url: 'https:///app.bin' }, R.InvalidFormat, '/url'),
    otaInvalid('url with a space', { ...OTA, url: 'https://artifacts.example.com/my app.bin' }, R.InvalidFormat, '/url'),
    otaInvalid('url with user info', { ...OTA, url: 'https://user:pass@artifacts.example.com/app.bin' }, R.InvalidFormat, '/url'),
    otaInvalid('url of 1025 characters', { ...OTA, url: `https://a.example/${'p'.repeat(1025 - 18)}` }, R.OutOfRange, '/url'),
    otaInvalid('size 0', { ...OTA, size: 0 }, R.OutOfRange, '/size'),
    otaInvalid('size above 16 MiB', { ...OTA, size: 16777217 }, R.OutOfRange, '/size'),
    otaInvalid('size as string', { ...OTA, size: '912384' }, R.WrongType, '/size'),
    otaInvalid('size with a fraction', { ...OTA, size: 912384.5 }, R.WrongType, '/size'),
    otaInvalid('sha256 in upper case', { ...OTA, sha256: OTA.sha256.toUpperCase() }, R.InvalidFormat, '/sha256'),
    otaInvalid('sha256 of 63 digits', { ...OTA, sha256: OTA.sha256.slice(1) }, R.InvalidFormat, '/sha256'),
    otaInvalid('sha256 as base64', { ...OTA, sha256: Buffer.from(hex(OTA.sha256)).toString('base64') }, R.InvalidFormat, '/sha256'),
    otaInvalid('signature empty', { ...OTA, signature: '' }, R.OutOfRange, '/signature'),
    otaInvalid('signature longer than 72 bytes', { ...OTA, signature: b64(`3048022100${SIG_72.slice(10)}0000`) }, R.OutOfRange, '/signature'),
    otaInvalid('signature in base64url', { ...OTA, signature: OTA.signature.replace(/\+/g, '-').replace(/\//g, '_') }, R.InvalidFormat, '/signature'),
    otaInvalid('signature without padding', { ...OTA, signature: OTA.signature.replace(/=+$/, '') }, R.InvalidFormat, '/signature'),
    otaInvalid('signature as raw r||s instead of DER', { ...OTA, signature: b64(SIG_70.slice(8, 72) + SIG_70.slice(76)) }, R.InvalidFormat, '/signature'),
    otaInvalid('signature with wrong SEQUENCE length', { ...OTA, signature: b64(`3045${SIG_70.slice(4)}`) }, R.InvalidFormat, '/signature'),
    otaInvalid('signature with negative r', { ...OTA, signature: b64(`30440220c7${SIG_70.slice(10)}`) }, R.InvalidFormat, '/signature'),
    otaInvalid('signature with a needless leading zero', { ...OTA, signature: b64(`300702020001020101`) }, R.InvalidFormat, '/signature'),
    otaInvalid('signature with a byte after s', { ...OTA, signature: b64(`3045${SIG_70.slice(4)}00`) }, R.InvalidFormat, '/signature'),
    otaInvalid('2049 bytes', padded(OTA, 2049), R.TooLarge, ''),
    otaInvalid('JSON array', [OTA], R.NotAnObject, ''),
    otaInvalid('truncated JSON', JSON.stringify(OTA).slice(0, 100), R.InvalidJson, ''),
  ],
};

const REBOOT_ID = '5f0c6a1e-8a47-4c3e-9a51-0d1f2b3c4d5e';
const RB = Channel.CmdReboot;
const cmdReboot: VectorFile = {
  format: VECTOR_FORMAT,
  protocol: 1,
  description: 'cmd/reboot (operator -> device, QoS 1, not retained).',
  cases: [
    valid('cmd/reboot: id', RB, MessageKind.CmdReboot, { id: REBOOT_ID }),
    valid('cmd/reboot: with whitespace', RB, MessageKind.CmdReboot, `{\n  "id": "${REBOOT_ID}"\n}\n`),
    invalid('cmd/reboot: missing id', RB, {}, R.MissingField, '/id'),
    invalid('cmd/reboot: id not a UUID', RB, { id: 'reboot-now' }, R.InvalidFormat, '/id'),
    invalid('cmd/reboot: id in upper case', RB, { id: REBOOT_ID.toUpperCase() }, R.InvalidFormat, '/id'),
    invalid('cmd/reboot: id with attempt', RB, { id: `${REBOOT_ID}/1` }, R.InvalidFormat, '/id'),
    invalid('cmd/reboot: id as number', RB, { id: 7 }, R.WrongType, '/id'),
    invalid('cmd/reboot: unknown field', RB, { id: REBOOT_ID, delayMs: 1000 }, R.UnknownField, '/delayMs'),
    invalid('cmd/reboot: empty payload', RB, '', R.EmptyPayload, ''),
    invalid('cmd/reboot: 257 bytes', RB, padded({ id: REBOOT_ID }, 257), R.TooLarge, ''),
    invalid('cmd/reboot: not JSON', RB, 'reboot', R.InvalidJson, ''),
  ],
};

const FR = Channel.CmdFactoryReset;
const FR_ID = '9a3e1c07-77d2-4f0b-8c1e-2b9f6d4a0e53';
const cmdFactoryReset: VectorFile = {
  format: VECTOR_FORMAT,
  protocol: 1,
  description: 'cmd/factory-reset (operator -> device, QoS 1, not retained); confirm must equal the device id in the topic.',
  cases: [
    valid('cmd/factory-reset: confirmed', FR, MessageKind.CmdFactoryReset, { id: FR_ID, confirm: DEVICE }),
    valid('cmd/factory-reset: device name with dots', FR, MessageKind.CmdFactoryReset, { id: FR_ID, confirm: 'garage.sensor.v2' }, { topic: topicOf('cmd/factory-reset', 'garage.sensor.v2') }),
    invalid('cmd/factory-reset: missing confirm', FR, { id: FR_ID }, R.MissingField, '/confirm'),
    invalid('cmd/factory-reset: missing id', FR, { confirm: DEVICE }, R.MissingField, '/id'),
    invalid('cmd/factory-reset: confirm names another device', FR, { id: FR_ID, confirm: 'garage.sensor-2' }, R.Inconsistent, '/confirm'),
    invalid('cmd/factory-reset: confirm is only the name', FR, { id: FR_ID, confirm: 'sensor-1' }, R.InvalidFormat, '/confirm'),
    invalid('cmd/factory-reset: confirm in upper case', FR, { id: FR_ID, confirm: 'GARAGE.SENSOR-1' }, R.InvalidFormat, '/confirm'),
    invalid('cmd/factory-reset: confirm as boolean', FR, { id: FR_ID, confirm: true }, R.WrongType, '/confirm'),
    invalid('cmd/factory-reset: unknown field', FR, { id: FR_ID, confirm: DEVICE, eraseConfig: true }, R.UnknownField, '/eraseConfig'),
  ],
};

const P = Channel.OtaProgress;
const PID = OTA.id;
const otaProgress: VectorFile = {
  format: VECTOR_FORMAT,
  protocol: 1,
  description: 'ota/progress (device -> operator, QoS 0, not retained). bytes and total only (and both) while downloading.',
  cases: [
    valid('ota/progress: download started', P, MessageKind.OtaProgress, { id: PID, state: 'downloading', bytes: 0, total: 912384 }),
    valid('ota/progress: download complete', P, MessageKind.OtaProgress, { id: PID, state: 'downloading', bytes: 912384, total: 912384 }),
    valid('ota/progress: verifying', P, MessageKind.OtaProgress, { id: PID, state: 'verifying' }),
    valid('ota/progress: rebooting', P, MessageKind.OtaProgress, { id: PID, state: 'rebooting' }),
    valid('ota/progress: new image pending verification', P, MessageKind.OtaProgress, { id: PID, state: 'pending-verify' }),
    invalid('ota/progress: missing id', P, { state: 'verifying' }, R.MissingField, '/id'),
    invalid('ota/progress: missing state', P, { id: PID }, R.MissingField, '/state'),
    invalid('ota/progress: downloading without bytes', P, { id: PID, state: 'downloading', total: 912384 }, R.MissingField, '/bytes'),
    invalid('ota/progress: downloading without total', P, { id: PID, state: 'downloading', bytes: 1024 }, R.MissingField, '/total'),
    invalid('ota/progress: bytes while verifying', P, { id: PID, state: 'verifying', bytes: 912384 }, R.UnknownField, '/bytes'),
    invalid('ota/progress: total while rebooting', P, { id: PID, state: 'rebooting', total: 912384 }, R.UnknownField, '/total'),
    invalid('ota/progress: unknown state', P, { id: PID, state: 'done' }, R.InvalidValue, '/state'),
    invalid('ota/progress: bytes above total', P, { id: PID, state: 'downloading', bytes: 912385, total: 912384 }, R.Inconsistent, '/bytes'),
    invalid('ota/progress: bytes negative', P, { id: PID, state: 'downloading', bytes: -1, total: 912384 }, R.OutOfRange, '/bytes'),
    invalid('ota/progress: total 0', P, { id: PID, state: 'downloading', bytes: 0, total: 0 }, R.OutOfRange, '/total'),
    invalid('ota/progress: bytes as string', P, { id: PID, state: 'downloading', bytes: '1024', total: 912384 }, R.WrongType, '/bytes'),
    invalid('ota/progress: id of a reboot command', P, { id: REBOOT_ID, state: 'verifying' }, R.InvalidFormat, '/id'),
    invalid('ota/progress: percent field', P, { id: PID, state: 'verifying', percent: 100 }, R.UnknownField, '/percent'),
  ],
};

const RS = Channel.OtaResult;
const otaResult: VectorFile = {
  format: VECTOR_FORMAT,
  protocol: 1,
  description: 'ota/result (device -> operator, QoS 1, not retained). success needs version and no reason; failed needs reason.',
  cases: [
    valid('ota/result: success', RS, MessageKind.OtaResult, { id: PID, result: 'success', version: '1.5.0' }),
    valid('ota/result: success with detail', RS, MessageKind.OtaResult, { id: PID, result: 'success', version: '1.5.0', detail: 'already running 1.5.0' }),
    valid('ota/result: signature invalid', RS, MessageKind.OtaResult, { id: PID, result: 'failed', reason: 'signature-invalid', version: '1.4.2', detail: 'MBEDTLS_ERR_ECP_VERIFY_FAILED' }),
    valid('ota/result: download failed', RS, MessageKind.OtaResult, { id: PID, result: 'failed', reason: 'download-failed', detail: 'HTTP 404' }),
    valid('ota/result: rolled back', RS, MessageKind.OtaResult, { id: PID, result: 'failed', reason: 'rollback', version: '1.4.2' }),
    valid('ota/result: busy', RS, MessageKind.OtaResult, { id: PID, result: 'failed', reason: 'busy' }),
    valid('ota/result: each other reason (no-space)', RS, MessageKind.OtaResult, { id: PID, result: 'failed', reason: 'no-space' }),
    valid('ota/result: invalid command reported back', RS, MessageKind.OtaResult, { id: PID, result: 'failed', reason: 'invalid-command', detail: 'cmd-ota: /url does not have the required format' }),
    invalid('ota/result: missing id', RS, { result: 'success', version: '1.5.0' }, R.MissingField, '/id'),
    invalid('ota/result: missing result', RS, { id: PID, version: '1.5.0' }, R.MissingField, '/result'),
    invalid('ota/result: success without version', RS, { id: PID, result: 'success' }, R.MissingField, '/version'),
    invalid('ota/result: failed without reason', RS, { id: PID, result: 'failed', version: '1.4.2' }, R.MissingField, '/reason'),
    invalid('ota/result: success with a reason', RS, { id: PID, result: 'success', version: '1.5.0', reason: 'busy' }, R.UnknownField, '/reason'),
    invalid('ota/result: unknown result', RS, { id: PID, result: 'ok', version: '1.5.0' }, R.InvalidValue, '/result'),
    invalid('ota/result: unknown reason', RS, { id: PID, result: 'failed', reason: 'power-loss' }, R.InvalidValue, '/reason'),
    invalid('ota/result: detail over two lines', RS, { id: PID, result: 'failed', reason: 'timeout', detail: 'stalled\nat 50%' }, R.InvalidFormat, '/detail'),
    invalid('ota/result: detail of 257 characters', RS, { id: PID, result: 'failed', reason: 'timeout', detail: 'd'.repeat(257) }, R.OutOfRange, '/detail'),
    invalid('ota/result: version with a space', RS, { id: PID, result: 'success', version: '1.5 0' }, R.InvalidFormat, '/version'),
    invalid('ota/result: id malformed', RS, { id: 'rollout-a/1', result: 'success', version: '1.5.0' }, R.InvalidFormat, '/id'),
    invalid('ota/result: 1025 bytes', RS, padded({ id: PID, result: 'success', version: '1.5.0' }, 1025), R.TooLarge, ''),
  ],
};

/** Every vector file by file name. */
export const VECTOR_FILES: Readonly<Record<string, VectorFile>> = {
  'topics.json': topics,
  'status.json': status,
  'lwt.json': lwt,
  'telemetry.json': telemetry,
  'logs.json': logs,
  'cmd-ota.json': cmdOta,
  'cmd-reboot.json': cmdReboot,
  'cmd-factory-reset.json': cmdFactoryReset,
  'ota-progress.json': otaProgress,
  'ota-result.json': otaResult,
};
