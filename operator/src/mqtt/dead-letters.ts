import type { Violation } from '@kubeflash/protocol';

/** One rejected message: where it came from and why, never its payload. */
export interface DeadLetter {
  time: string;
  /** The DevicesCluster (`namespace/name`) whose session received it. */
  cluster: string;
  topic: string;
  deviceId?: string;
  kind?: string;
  reason: string;
  field?: string;
  detail: string;
  bytes: number;
}

/**
 * The last `capacity` rejected messages (a ring buffer), served as JSON on the operator's `/debug/dead-letters`
 * endpoint, plus per-device counters that rate-limit the Warning Events: at most one Event per device per
 * `eventIntervalMs`, carrying how many messages were rejected since the previous one.
 */
export class DeadLetters {
  private readonly ring: DeadLetter[] = [];
  private next = 0;
  private total = 0;
  private readonly pending = new Map<string, { count: number; lastEvent: number; last: DeadLetter }>();

  constructor(private readonly capacity = 1000, private readonly eventIntervalMs = 10 * 60_000) {}

  /** Records a rejected message; returns the Event to emit for its device now (or undefined: rate-limited or no device). */
  record(cluster: string, violation: Violation, bytes: number, now: Date, device?: string): { device: string; count: number; letter: DeadLetter } | undefined {
    const letter: DeadLetter = {
      time: now.toISOString(),
      cluster,
      topic: violation.topic.length > 300 ? `${violation.topic.slice(0, 300)}…` : violation.topic,
      ...(violation.deviceId ? { deviceId: violation.deviceId } : {}),
      ...(violation.kind ? { kind: violation.kind } : {}),
      reason: violation.reason,
      ...(violation.field !== undefined ? { field: violation.field } : {}),
      detail: violation.detail,
      bytes,
    };
    if (this.ring.length < this.capacity) this.ring.push(letter);
    else this.ring[this.next] = letter;
    this.next = (this.next + 1) % this.capacity;
    this.total++;
    if (!device) return undefined;
    const p = this.pending.get(device) ?? { count: 0, lastEvent: -Infinity, last: letter };
    p.count++;
    p.last = letter;
    this.pending.set(device, p);
    if (now.getTime() - p.lastEvent < this.eventIntervalMs) return undefined;
    const count = p.count;
    p.count = 0;
    p.lastEvent = now.getTime();
    return { device, count, letter };
  }

  /** Oldest first. */
  list(): DeadLetter[] {
    return this.ring.length < this.capacity ? [...this.ring] : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }

  get recorded(): number {
    return this.total;
  }

  forget(device: string): void {
    this.pending.delete(device);
  }
}
