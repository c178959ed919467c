/**
 * Decides when a device's reported status may be written: at once for a meaningful change (online state,
 * firmware version, reset reason, identity), otherwise at most once per interval per device. Devices whose
 * reports changed only in heartbeat fields wait in a dirty set that a sweep releases when their interval is up.
 */
export class WriteCoalescer {
  private readonly lastWrite = new Map<string, number>();
  private readonly due = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly release: (key: string) => void,
    private readonly clock: () => number = Date.now,
    private readonly sweepMs = Math.max(50, Math.min(1000, Math.floor(intervalMs / 10))),
  ) {}

  /** Starts the sweep. */
  start(): void {
    this.timer ??= setInterval(() => this.sweep(), this.sweepMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Records when the device's status was last written before this process saw it (e.g. its stored lastSeen). */
  seed(key: string, at: number): void {
    if (!this.lastWrite.has(key)) this.lastWrite.set(key, at);
  }

  /** A report arrived; `meaningful` releases the device at once, otherwise when its interval is up. */
  note(key: string, meaningful: boolean): void {
    const now = this.clock();
    if (meaningful) {
      this.due.delete(key);
      this.release(key);
      return;
    }
    if (this.due.has(key)) return;
    const at = (this.lastWrite.get(key) ?? -Infinity) + this.intervalMs;
    if (at <= now) this.release(key);
    else this.due.set(key, at);
  }

  /** True while the device's interval since its last write is not up. */
  tooSoon(key: string): boolean {
    return this.clock() < (this.lastWrite.get(key) ?? -Infinity) + this.intervalMs;
  }

  /** The device's status was written now. */
  written(key: string): void {
    this.lastWrite.set(key, this.clock());
    this.due.delete(key);
  }

  /** Forgets a device (deleted). */
  forget(key: string): void {
    this.lastWrite.delete(key);
    this.due.delete(key);
  }

  /** Devices waiting for their interval. */
  get waiting(): number {
    return this.due.size;
  }

  /** Releases every device whose interval is up. */
  sweep(): void {
    const now = this.clock();
    for (const [key, at] of this.due) {
      if (at > now) continue;
      this.due.delete(key);
      this.release(key);
    }
  }
}
