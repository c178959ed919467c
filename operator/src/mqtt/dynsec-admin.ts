import { randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';

/** Topic of mosquitto dynamic-security commands. */
export const DYNSEC_TOPIC = '$CONTROL/dynamic-security/v1';
/** Topic mosquitto answers on (QoS 0, to every subscriber: answers are matched by correlationData). */
export const DYNSEC_RESPONSE_TOPIC = `${DYNSEC_TOPIC}/response`;

/** One dynamic-security command (mosquitto's JSON, without correlationData). */
export type DynsecCommand = { command: string } & Record<string, unknown>;

/** One answer. */
export interface DynsecAnswer {
  command: string;
  error?: string;
  data?: unknown;
}

/** A dynamic-security command the broker answered with an error. */
export class DynsecCommandError extends Error {
  override readonly name = 'DynsecCommandError';
  constructor(readonly command: string, readonly brokerError: string, subject: string) {
    super(`dynamic security refused ${command} ${subject}: ${brokerError}`);
  }
}

/** Sends commands to `$CONTROL/dynamic-security/v1` as the admin and matches the answers. */
export class DynsecAdmin {
  private readonly waiting = new Map<string, { resolve: (a: DynsecAnswer) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private queued: { command: DynsecCommand; id: string }[] = [];
  private flushScheduled = false;
  private readonly onMessage = (topic: string, payload: Buffer): void => {
    if (topic !== DYNSEC_RESPONSE_TOPIC) return;
    let responses: unknown;
    try {
      responses = (JSON.parse(payload.toString('utf8')) as { responses?: unknown }).responses;
    } catch {
      return;
    }
    if (!Array.isArray(responses)) return;
    for (const r of responses as (DynsecAnswer & { correlationData?: string })[]) {
      const id = r?.correlationData;
      const w = id === undefined ? undefined : this.waiting.get(id);
      if (!w || id === undefined) continue;
      this.waiting.delete(id);
      clearTimeout(w.timer);
      w.resolve({ command: r.command, ...(r.error !== undefined ? { error: r.error } : {}), ...(r.data !== undefined ? { data: r.data } : {}) });
    }
  };

  private constructor(private readonly client: MqttClient, private readonly timeoutMs: number, private readonly maxBatch: number) {
    client.on('message', this.onMessage);
  }

  /** Subscribes to the answers on an admin connection. */
  static async attach(client: MqttClient, options: { timeoutMs?: number; maxBatch?: number } = {}): Promise<DynsecAdmin> {
    await client.subscribeAsync(DYNSEC_RESPONSE_TOPIC, { qos: 0 });
    return new DynsecAdmin(client, options.timeoutMs ?? 30_000, options.maxBatch ?? 100);
  }

  /**
   * Sends one command and resolves with its answer (errors included: callers decide which are fatal). Commands
   * issued in the same tick travel in one message (mosquitto runs them in order).
   */
  run(command: DynsecCommand): Promise<DynsecAnswer> {
    const id = randomUUID();
    return new Promise<DynsecAnswer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`dynamic security did not answer ${command.command} within ${this.timeoutMs} ms (is the plugin loaded and may the admin use ${DYNSEC_TOPIC}?)`));
      }, this.timeoutMs);
      this.waiting.set(id, { resolve, reject, timer });
      this.queued.push({ command, id });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Runs a command and throws DynsecCommandError when the broker answers with an error. */
  async must(command: DynsecCommand, subject: string, accept: (error: string) => boolean = () => false): Promise<DynsecAnswer> {
    const answer = await this.run(command);
    if (answer.error !== undefined && !accept(answer.error)) throw new DynsecCommandError(command.command, answer.error, subject);
    return answer;
  }

  private flush(): void {
    this.flushScheduled = false;
    while (this.queued.length > 0) {
      const batch = this.queued.splice(0, this.maxBatch);
      const payload = JSON.stringify({ commands: batch.map((q) => ({ ...q.command, correlationData: q.id })) });
      this.client.publish(DYNSEC_TOPIC, payload, { qos: 1 }, (err) => {
        if (!err) return;
        for (const q of batch) {
          const w = this.waiting.get(q.id);
          if (!w) continue;
          this.waiting.delete(q.id);
          clearTimeout(w.timer);
          w.reject(new Error(`cannot publish to ${DYNSEC_TOPIC}: ${err.message}`));
        }
      });
    }
  }

  /** Fails every pending command (the connection is going away). */
  close(reason: string): void {
    this.client.removeListener('message', this.onMessage);
    for (const [id, w] of this.waiting) {
      clearTimeout(w.timer);
      w.reject(new Error(reason));
      this.waiting.delete(id);
    }
    this.queued = [];
  }
}
