import { EventEmitter } from 'node:events';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import {
  CONNACK_REFUSED_CREDENTIALS,
  CONNACK_UNSUPPORTED_PROTOCOL,
  Channel,
  Direction,
  MessageKind,
  STATUS_HEARTBEAT_SECONDS,
  buildMessage,
  connectSettings,
  deviceClientId,
  deviceTopic,
  deviceWill,
  parseMessage,
  protocolLevels,
  type CmdOtaPayload,
  type LogsPayload,
  type OtaFailureReason,
  type OtaProgressPayload,
  type OtaResultPayload,
  type MessageOf,
  type OutgoingMessage,
  type ParseResult,
  type ResetReason,
} from '@kubeflash/protocol';
import { virtualBoard, type Board } from './board';
import { readDeviceConfig, type DeviceConfig } from './config';
import { corrupt, seededRandom, type Faults } from './faults';
import { OtaFailure, OtaStep, downloadImage, verifyImage } from './ota';

/** A signature with the last byte of s changed: still well-formed DER, never valid. */
function damagedSignature(base64: string): string {
  const der = Buffer.from(base64, 'base64');
  der[der.length - 1] ^= 0x01;
  return der.toString('base64');
}

/** The otadata partition and the pending update id, as they survive a restart. */
interface OtaData {
  id: string;
  /** new: the boot partition was switched; pending-verify: the new image booted and has not confirmed; rolled-back: the bootloader went back. */
  state: 'new' | 'pending-verify' | 'rolled-back';
  previous: Pick<Board, 'firmwareVersion' | 'project' | 'partition'>;
  next: Pick<Board, 'firmwareVersion' | 'project' | 'partition'>;
}

/** Where a virtual device is in its life. */
export type DeviceState = 'off' | 'connecting' | 'online' | 'rebooting';

/** Handles one kind of command; the device has answered when the promise settles. */
export type CommandHandler<K extends CommandKind> = (message: MessageOf<K>, device: VirtualDevice) => Promise<void> | void;
/** Kinds of commands a device receives. */
export type CommandKind = typeof MessageKind.CmdOta | typeof MessageKind.CmdReboot | typeof MessageKind.CmdFactoryReset;

/** How to build one virtual device. */
export interface VirtualDeviceOptions {
  /** The config partition image (as in the `<device>-config` Secret). */
  configBin: Uint8Array;
  /** The nvs_keys partition image, for encrypted configs. */
  nvsKeys?: Uint8Array;
  /** NVS namespace of the config keys (the class's configSchema.namespace; default `config`). */
  namespace?: string;
  /** The board and its firmware (defaults: esp32, a MAC derived from the device id, version 0.0.0). */
  board?: Partial<Board>;
  /** Connect here instead of the config's mqtt_uri (a tunnel); credentials and CA still come from the config. */
  brokerUrl?: string;
  /** MQTT protocol level: 5, 4 (3.1.1) or 'auto' (5, falling back to 3.1.1). Default 'auto'. */
  protocolVersion?: 4 | 5 | 'auto';
  /** Status heartbeat period (default the protocol's 60 s). */
  heartbeatMs?: number;
  /** Time a reboot takes before the device reconnects (default 1000 ms). */
  rebootDelayMs?: number;
  faults?: Faults;
  log?: (line: string) => void;
}

const TLS_VERIFY_NAME = (url: string): string | undefined => {
  try {
    return new URL(url.replace(/^mqtts?:/, 'http:')).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
};

/**
 * A device speaking the kubeflash MQTT protocol v1 exactly as the firmware does: it boots from its own config
 * partition (the generated device id, broker URI, credentials, topic root and CA), connects with a clean
 * session and the retained offline will, subscribes to its `cmd/#`, publishes its retained status at connect, on
 * change and every heartbeat, answers `cmd/reboot` and `cmd/factory-reset`, and checks every command with the
 * protocol parser first. Command handlers are registered per kind (`onCommand`), so OTA can be added. Faults
 * can be injected at any time.
 *
 * Events: `online`, `offline` (connection lost or refused; with the reason), `command` (a valid command),
 * `rejected` (an invalid command and its violation), `reboot` (reset reason), `error`.
 */
export class VirtualDevice extends EventEmitter {
  readonly config: DeviceConfig;
  readonly board: Board;
  /** Application data in the `nvs` partition (erased by a factory reset; the config partition never is). */
  readonly appData = new Map<string, string>();
  private client: MqttClient | undefined;
  private stateValue: DeviceState = 'off';
  private bootedAt = Date.now();
  private resetReasonValue: ResetReason = 'poweron';
  private bootCount = 0;
  private protocolInUse: 4 | 5 | undefined;
  private timers = new Set<NodeJS.Timeout>();
  private reconnectAttempt = 0;
  private faults: Faults;
  private readonly random: () => number;
  private readonly handlers = new Map<CommandKind, CommandHandler<CommandKind>>();
  private readonly handledCommandIds = new Set<string>();
  /** The update in flight (lost with the power, as RAM is). */
  private otaRun: { id: string; version: string; progress: OtaProgressPayload; generation: number } | undefined;
  /** Counts power cycles and reboots, so work of an earlier boot stops. */
  private generation = 0;
  /** What the bootloader and the firmware keep in flash across restarts: the boot partition switch and the pending id. */
  private otadata: OtaData | undefined;
  /** Power-loss faults already used (each fires once). */
  private readonly powerLossUsed = new Set<OtaStep>();

  constructor(private readonly options: VirtualDeviceOptions) {
    super();
    this.config = readDeviceConfig(options.configBin, { nvsKeys: options.nvsKeys, namespace: options.namespace });
    this.board = virtualBoard(this.config.deviceId, options.board);
    this.faults = { ...options.faults };
    this.random = seededRandom(this.config.deviceId);
    this.onCommand(MessageKind.CmdReboot, async (m) => {
      this.log(`cmd/reboot ${m.payload.id}: rebooting`);
      await this.reboot('sw', 'reboot');
    });
    this.onCommand(MessageKind.CmdFactoryReset, async (m) => {
      this.log(`cmd/factory-reset ${m.payload.id}: erasing application data and rebooting`);
      this.appData.clear();
      await this.reboot('sw', 'factory-reset');
    });
    this.onCommand(MessageKind.CmdOta, (m) => this.startOta(m.payload));
  }

  /** The device id (`<namespace>.<name>`). */
  get id(): string {
    return this.config.deviceId;
  }

  get state(): DeviceState {
    return this.stateValue;
  }

  /** Why the device last started. */
  get resetReason(): ResetReason {
    return this.resetReasonValue;
  }

  /** Boots since start() (1 after the first boot). */
  get boots(): number {
    return this.bootCount;
  }

  /** The MQTT protocol level of the current connection. */
  get protocolVersion(): 4 | 5 | undefined {
    return this.protocolInUse;
  }

  /** Seconds since the last boot. */
  uptimeSeconds(): number {
    return Math.floor((Date.now() - this.bootedAt) / 1000);
  }

  /** Registers the handler of a command kind (replacing the default); OTA support plugs in here. */
  onCommand<K extends CommandKind>(kind: K, handler: CommandHandler<K>): void {
    this.handlers.set(kind, handler as unknown as CommandHandler<CommandKind>);
  }

  /** Changes the injected faults; timers of the new faults start now. */
  setFaults(faults: Faults): void {
    this.faults = { ...faults };
    if (this.stateValue === 'online') this.armFaultTimers();
  }

  private log(line: string): void {
    this.options.log?.(`${this.config.deviceId}: ${line}`);
  }

  /** Reports an error to `error` listeners, or to the log when there are none (never throws). */
  private fail(err: unknown): void {
    if (this.listenerCount('error') > 0) this.emit('error', err);
    else this.log(`error: ${err instanceof Error ? err.message : String(err)}`);
  }

  private after(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    t.unref?.();
    this.timers.add(t);
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Powers the device on: boots and connects. Resolves once online; rejects when the broker refuses it. */
  async start(): Promise<void> {
    if (this.stateValue !== 'off') return;
    this.boot('poweron');
    await this.connect();
  }

  private boot(reason: ResetReason): void {
    this.bootedAt = Date.now();
    this.resetReasonValue = reason;
    this.bootCount++;
    this.generation++;
    this.stateValue = 'connecting';
    this.bootloader();
  }

  /**
   * The bootloader's OTA rules: a switched boot partition boots the new image pending verification; an image
   * still pending verification at the next boot (it crashed or lost power before confirming) is abandoned and
   * the previous one boots again.
   */
  private bootloader(): void {
    const ota = this.otadata;
    if (!ota) return;
    if (ota.state === 'new') {
      Object.assign(this.board, ota.next, { imageState: 'pending-verify' });
      ota.state = 'pending-verify';
    } else if (ota.state === 'pending-verify') {
      Object.assign(this.board, ota.previous, { imageState: 'valid' });
      ota.state = 'rolled-back';
      this.log(`bootloader: ${ota.next.firmwareVersion} did not confirm itself; rolled back to ${ota.previous.firmwareVersion}`);
    }
  }

  /** The URL it connects to: the config's mqtt_uri unless overridden. */
  get brokerUrl(): string {
    return this.options.brokerUrl ?? this.config.mqttUri;
  }

  private connectOptions(protocolVersion: 4 | 5): IClientOptions {
    const will = deviceWill(this.config.topicPrefix, this.config.deviceId);
    const settings = connectSettings('device', protocolVersion);
    const url = this.brokerUrl;
    return {
      ...settings,
      clientId: deviceClientId(this.config.deviceId),
      username: this.config.mqttUser,
      password: this.faults.wrongPassword ? `${this.config.mqttPass}-wrong` : this.config.mqttPass,
      will: { topic: will.topic, payload: Buffer.from(will.payload), qos: will.qos, retain: will.retain },
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      ...(url.startsWith('mqtts://') ? { ...(this.config.mqttCa ? { ca: this.config.mqttCa } : {}), servername: TLS_VERIFY_NAME(url), rejectUnauthorized: true } : {}),
    };
  }

  private async connect(): Promise<void> {
    let lastError: unknown;
    for (const level of protocolLevels(this.options.protocolVersion ?? 'auto')) {
      try {
        const client = await mqtt.connectAsync(this.brokerUrl, this.connectOptions(level), false);
        this.protocolInUse = level;
        await this.online(client);
        return;
      } catch (err) {
        lastError = err;
        const code = (err as { code?: unknown }).code;
        if (!(typeof code === 'number' && CONNACK_UNSUPPORTED_PROTOCOL.includes(code))) break;
      }
    }
    const code = (lastError as { code?: unknown }).code;
    const refused = typeof code === 'number' && CONNACK_REFUSED_CREDENTIALS.includes(code);
    const reason = refused ? `the broker refused the credentials (CONNACK ${code})` : lastError instanceof Error ? lastError.message : String(lastError);
    this.emit('offline', reason);
    if (this.stateValue === 'off') return;
    this.scheduleReconnect();
    if (refused) throw new Error(`${this.config.deviceId}: ${reason}`);
  }

  private scheduleReconnect(): void {
    const delay = Math.min(30_000, 1000 * 2 ** Math.min(this.reconnectAttempt++, 5));
    this.stateValue = 'connecting';
    this.after(delay, () => void this.connect().catch((err: unknown) => this.fail(err)));
  }

  private async online(client: MqttClient): Promise<void> {
    this.client = client;
    client.on('message', (topic, payload) => void this.receive(topic, payload));
    client.on('close', () => {
      if (this.client !== client) return;
      this.client = undefined;
      this.clearTimers();
      if (this.stateValue === 'online') {
        this.emit('offline', 'connection lost');
        this.scheduleReconnect();
      }
    });
    client.on('error', (err) => this.fail(err));
    const granted = await client.subscribeAsync(`${this.config.mqttPrefix}/cmd/#`, { qos: 1 });
    if (granted.some((g) => g.qos >= 0x80)) throw new Error(`${this.config.deviceId}: the broker refused the subscription to its own cmd/#`);
    this.stateValue = 'online';
    this.reconnectAttempt = 0;
    await this.publishStatus();
    this.armFaultTimers();
    void this.afterConnect().catch((err: unknown) => this.fail(err));
    const beat = (): void => {
      this.after(this.options.heartbeatMs ?? STATUS_HEARTBEAT_SECONDS * 1000, () => {
        if (this.stateValue !== 'online') return;
        void this.publishStatus().catch(() => undefined);
        beat();
      });
    };
    beat();
    this.emit('online');
  }

  private armFaultTimers(): void {
    const { dropConnectionEveryMs, rebootLoopMs } = this.faults;
    if (dropConnectionEveryMs) {
      this.after(dropConnectionEveryMs, () => {
        this.log('fault: dropping the connection');
        this.client?.stream.destroy();
      });
    }
    if (rebootLoopMs) {
      this.after(rebootLoopMs, () => {
        this.log('fault: crash');
        void this.reboot('panic');
      });
    }
  }

  private otaMessage(kind: typeof MessageKind.OtaProgress, payload: OtaProgressPayload): OutgoingMessage;
  private otaMessage(kind: typeof MessageKind.OtaResult, payload: OtaResultPayload): OutgoingMessage;
  private otaMessage(kind: typeof MessageKind.OtaProgress | typeof MessageKind.OtaResult, payload: OtaProgressPayload | OtaResultPayload): OutgoingMessage {
    return buildMessage(this.config.topicPrefix, this.config.deviceId, kind, payload as never);
  }

  private async otaResult(payload: OtaResultPayload): Promise<void> {
    this.log(`ota ${payload.id}: ${payload.result}${payload.result === 'failed' ? ` (${payload.reason}${payload.detail ? `: ${payload.detail}` : ''})` : ''}`);
    this.emit('ota-result', payload);
    await this.publish(this.otaMessage(MessageKind.OtaResult, payload));
  }

  private async otaProgress(progress: OtaProgressPayload): Promise<void> {
    if (this.otaRun) this.otaRun.progress = progress;
    await this.publish(this.otaMessage(MessageKind.OtaProgress, progress)).catch(() => undefined);
  }

  /** cmd/ota as the firmware answers it (docs/mqtt-protocol.md, OTA flow). */
  private async startOta(command: CmdOtaPayload): Promise<void> {
    const { id } = command;
    const failed = (reason: OtaFailureReason, detail?: string) =>
      this.otaResult({ id, result: 'failed', reason, ...(detail ? { detail } : {}), version: this.board.firmwareVersion });
    if (this.otaRun) {
      if (this.otaRun.id === id) await this.otaProgress(this.otaRun.progress);
      else await failed('busy', `update ${this.otaRun.id} is in progress`);
      return;
    }
    if (this.otadata?.state === 'pending-verify') {
      await failed('busy', 'the running image is still pending verification');
      return;
    }
    if (!this.config.otaPublicKey) {
      await failed('no-key', 'the config has no ota_pubkey');
      return;
    }
    if (this.board.firmwareVersion === command.version && this.board.imageState === 'valid') {
      await this.otaResult({ id, result: 'success', version: this.board.firmwareVersion });
      return;
    }
    if (this.faults.otaNoSpace) {
      await failed('no-space', `the next OTA partition is smaller than ${command.size} bytes (fault injected)`);
      return;
    }
    const generation = this.generation;
    this.otaRun = { id, version: command.version, generation, progress: { id, state: 'downloading', bytes: 0, total: command.size } };
    void this.runOta(command, generation)
      .catch(async (err: unknown) => {
        if (this.generation !== generation) return;
        const failure = err instanceof OtaFailure ? err : new OtaFailure('flash-error', (err as Error).message.slice(0, 256));
        this.otaRun = undefined;
        await failed(failure.reason, failure.detail.slice(0, 256));
      })
      .catch((err: unknown) => this.fail(err));
  }

  /** Cuts the power once if a power loss is injected at `step`; true when it did (the update is then gone). */
  private powerLossAt(step: OtaStep): boolean {
    if (this.faults.otaPowerLossAt !== step || this.powerLossUsed.has(step)) return false;
    this.powerLossUsed.add(step);
    this.log(`fault: power loss while ${step}`);
    void this.powerCycle();
    return true;
  }

  private async runOta(command: CmdOtaPayload, generation: number): Promise<void> {
    const { id } = command;
    const alive = () => this.generation === generation && this.otaRun?.id === id;
    await this.otaProgress({ id, state: 'downloading', bytes: 0, total: command.size });
    let lastReport = 0;
    let lostPower = false;
    const image = await downloadImage({
      url: command.url,
      size: command.size,
      // Like the firmware: the broker CA from the config, when there is one, is the OTA server's CA too.
      ...(this.config.mqttCa ? { ca: this.config.mqttCa } : {}),
      ...(this.faults.otaCutAtByte !== undefined ? { cutAtByte: this.faults.otaCutAtByte } : {}),
      ...(this.faults.otaDownloadFails ? { failEveryRequest: true } : {}),
      cancelled: () => !alive() || lostPower,
      onProgress: (bytes) => {
        if (!lostPower && bytes >= command.size / 2 && this.powerLossAt(OtaStep.Downloading)) lostPower = true;
        const now = Date.now();
        if (now - lastReport < 250 || lostPower) return;
        lastReport = now;
        void this.otaProgress({ id, state: 'downloading', bytes: Math.min(bytes, command.size), total: command.size });
      },
    });
    if (!alive() || lostPower) return;
    await this.otaProgress({ id, state: 'downloading', bytes: Math.min(image.length, command.size), total: command.size });
    await this.otaProgress({ id, state: 'verifying' });
    if (this.powerLossAt(OtaStep.Verifying)) return;
    if (this.faults.otaWrongHash && image.length > 0) image[image.length >> 1] ^= 0x01;
    const checked = this.faults.otaBadSignature ? { ...command, signature: damagedSignature(command.signature) } : command;
    const verified = verifyImage(image, checked, this.config.otaPublicKey as Uint8Array, this.board.chip);
    if (!alive()) return;
    // The boot partition switches now: from here on the update survives a restart.
    this.otadata = {
      id,
      state: 'new',
      previous: { firmwareVersion: this.board.firmwareVersion, project: this.board.project, partition: this.board.partition },
      next: { firmwareVersion: verified.version, project: verified.project.slice(0, 31) || this.board.project, partition: this.board.partition === 'ota_0' ? 'ota_1' : 'ota_0' },
    };
    await this.otaProgress({ id, state: 'rebooting' });
    this.otaRun = undefined;
    if (this.powerLossAt(OtaStep.Rebooting)) return;
    await this.reboot('sw', 'ota');
  }

  /** After every connect: the new image confirms itself (or crashes), or the old image reports the rollback. */
  private async afterConnect(): Promise<void> {
    const ota = this.otadata;
    if (!ota) return;
    const generation = this.generation;
    if (ota.state === 'rolled-back') {
      this.otadata = undefined;
      await this.otaResult({ id: ota.id, result: 'failed', reason: 'rollback', version: this.board.firmwareVersion, detail: `${ota.next.firmwareVersion} did not mark itself valid; the bootloader returned to ${ota.previous.firmwareVersion}` });
      return;
    }
    if (ota.state !== 'pending-verify') return;
    await this.publish(this.otaMessage(MessageKind.OtaProgress, { id: ota.id, state: 'pending-verify' }));
    if (this.powerLossAt(OtaStep.PendingVerify)) return;
    if (this.faults.otaCrashAfterBoot) {
      this.log('fault: the new image crashes before marking itself valid');
      await this.reboot('panic');
      return;
    }
    if (this.generation !== generation) return;
    // The firmware's own checks passed and it reached the broker: esp_ota_mark_app_valid_cancel_rollback().
    this.board.imageState = 'valid';
    this.otadata = undefined;
    await this.publishStatus();
    await this.otaResult({ id: ota.id, result: 'success', version: this.board.firmwareVersion });
  }

  /** Cuts the power: no offline message (the broker publishes the will), RAM is lost, the device boots again. */
  async powerCycle(): Promise<void> {
    if (this.stateValue === 'off') return;
    this.stateValue = 'rebooting';
    this.generation++;
    this.otaRun = undefined;
    this.clearTimers();
    const client = this.client;
    this.client = undefined;
    if (client) {
      client.stream.destroy();
      await client.endAsync(true).catch(() => undefined);
    }
    this.emit('reboot', 'poweron');
    await new Promise((r) => setTimeout(r, this.options.rebootDelayMs ?? 1000));
    if ((this.stateValue as DeviceState) === 'off') return;
    this.boot('poweron');
    await this.connect().catch((err: unknown) => this.fail(err));
  }

  /** The online status message of this moment. */
  statusMessage(): OutgoingMessage {
    const b = this.board;
    return buildMessage(this.config.topicPrefix, this.config.deviceId, MessageKind.Status, {
      state: 'online',
      fw: b.firmwareVersion,
      project: b.project,
      ...(b.idfVersion ? { idf: b.idfVersion } : {}),
      chip: b.chip,
      mac: b.mac,
      ip: b.ip,
      ...(b.rssi !== undefined ? { rssi: b.rssi } : {}),
      uptime: this.uptimeSeconds(),
      resetReason: this.resetReasonValue,
      imageState: b.imageState,
      partition: b.partition,
      ts: Math.floor(Date.now() / 1000),
    });
  }

  /** Publishes the retained online status now. */
  publishStatus(): Promise<void> {
    return this.publish(this.statusMessage());
  }

  /** Publishes one telemetry message (readings named like Prometheus metrics). */
  publishTelemetry(values: Record<string, number | boolean>): Promise<void> {
    return this.publish(buildMessage(this.config.topicPrefix, this.config.deviceId, MessageKind.Telemetry, { ts: Math.floor(Date.now() / 1000), values }));
  }

  /** Publishes one log record. */
  publishLog(level: LogsPayload['level'], tag: string, msg: string): Promise<void> {
    return this.publish(buildMessage(this.config.topicPrefix, this.config.deviceId, MessageKind.Logs, { level, tag, msg, uptimeMs: Date.now() - this.bootedAt }));
  }

  /** Publishes a message (QoS and retain from the channel rules), through the slow-link and corruption faults. */
  async publish(message: OutgoingMessage): Promise<void> {
    if (this.faults.slowLinkMs) await new Promise((r) => setTimeout(r, this.faults.slowLinkMs));
    const client = this.client;
    if (!client) return;
    let payload: Uint8Array = Buffer.from(message.payload);
    if (this.faults.corruptPayloads && this.random() < this.faults.corruptPayloads) payload = corrupt(payload, this.random);
    await client.publishAsync(message.topic, Buffer.from(payload), { qos: message.qos, retain: message.retain });
  }

  /**
   * Checks one command as the firmware does (topic, size, UTF-8, JSON, schema, cross-field rules) and, when it
   * is valid, runs its handler. Returns the parser's verdict; invalid commands are logged on the device's `logs`
   * channel (and answered with ota/result invalid-command for a readable cmd/ota id).
   */
  async handleCommand(topic: string, payload: Uint8Array): Promise<ParseResult> {
    const result = parseMessage(this.config.topicPrefix, topic, payload, { direction: Direction.OperatorToDevice });
    if (!result.ok) {
      this.emit('rejected', result.violation);
      await this.rejected(topic, payload, result.violation.detail);
      return result;
    }
    const message = result.message;
    if (message.deviceId !== this.config.deviceId) {
      this.emit('rejected', { reason: 'unknown-topic', detail: 'the command is for another device', topic });
      return result;
    }
    this.emit('command', message);
    if (this.faults.refuseCommands) {
      await this.publishLog('warn', 'kubeflash', `refusing ${message.kind} (fault injected)`).catch(() => undefined);
      return result;
    }
    const id = (message.payload as { id: string }).id;
    if (message.kind !== MessageKind.CmdOta && this.handledCommandIds.has(id)) return result;
    this.handledCommandIds.add(id);
    const handler = this.handlers.get(message.kind as CommandKind);
    await handler?.(message as MessageOf<CommandKind>, this);
    return result;
  }

  private async rejected(topic: string, payload: Uint8Array, detail: string): Promise<void> {
    if (topic === deviceTopic(this.config.topicPrefix, this.config.deviceId, Channel.CmdOta)) {
      let id: unknown;
      try {
        id = (JSON.parse(new TextDecoder().decode(payload)) as { id?: unknown }).id;
      } catch {
        id = undefined;
      }
      if (typeof id === 'string') {
        try {
          await this.publish(buildMessage(this.config.topicPrefix, this.config.deviceId, MessageKind.OtaResult, { id, result: 'failed', reason: 'invalid-command', detail: detail.slice(0, 256), version: this.board.firmwareVersion }));
          return;
        } catch {
          // the id itself is not a valid OTA id: fall through to a log record
        }
      }
    }
    await this.publishLog('warn', 'kubeflash', `rejected a command: ${detail}`.slice(0, 1024)).catch(() => undefined);
  }

  private async receive(topic: string, payload: Buffer): Promise<void> {
    try {
      await this.handleCommand(topic, payload);
    } catch (err) {
      this.fail(err);
    }
  }

  /**
   * Restarts: a planned restart (`offlineReason` given) publishes the retained offline status with the reason
   * and disconnects cleanly; a crash (`panic`) just drops the connection, so the broker publishes the will.
   */
  async reboot(resetReason: ResetReason, offlineReason?: 'reboot' | 'factory-reset' | 'ota'): Promise<void> {
    if (this.stateValue === 'off') return;
    this.stateValue = 'rebooting';
    this.generation++;
    this.otaRun = undefined;
    this.clearTimers();
    const client = this.client;
    this.client = undefined;
    if (client && offlineReason) {
      const will = deviceWill(this.config.topicPrefix, this.config.deviceId);
      await client.publishAsync(will.topic, JSON.stringify({ state: 'offline', reason: offlineReason, ts: Math.floor(Date.now() / 1000) }), { qos: 1, retain: true }).catch(() => undefined);
      await client.endAsync().catch(() => undefined);
    } else if (client) {
      client.stream.destroy();
      await client.endAsync(true).catch(() => undefined);
    }
    this.emit('reboot', resetReason);
    await new Promise((r) => setTimeout(r, this.options.rebootDelayMs ?? 1000));
    if ((this.stateValue as DeviceState) === 'off') return;
    this.boot(resetReason);
    await this.connect().catch((err: unknown) => this.fail(err));
  }

  /**
   * Powers the device off. By default like pulling the plug: the connection drops and the broker publishes the
   * will. `{ clean: true }` disconnects cleanly without any offline message (the retained status stays).
   */
  async stop(options: { clean?: boolean } = {}): Promise<void> {
    this.stateValue = 'off';
    this.clearTimers();
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    if (options.clean) await client.endAsync().catch(() => undefined);
    else {
      client.stream.destroy();
      await client.endAsync(true).catch(() => undefined);
    }
  }
}
