import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store, StoreSnapshot } from './store';

export const STATE_FILE = 'devcluster-state.json';

/** Reads a saved snapshot; undefined when there is none yet. */
export async function loadSnapshot(stateDir: string): Promise<StoreSnapshot | undefined> {
  let text: string;
  try {
    text = await readFile(join(stateDir, STATE_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const parsed = JSON.parse(text) as Partial<StoreSnapshot>;
  if (typeof parsed.resourceVersion !== 'number' || typeof parsed.objects !== 'object' || parsed.objects === null) {
    throw new Error(`${join(stateDir, STATE_FILE)} is not a devcluster state file`);
  }
  return parsed as StoreSnapshot;
}

/**
 * Saves the store to `<stateDir>/devcluster-state.json` after changes, debounced, each write atomic
 * (temporary file + rename) so a crash never leaves a half-written state.
 */
export class Persister {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: Store,
    private readonly stateDir: string,
    private readonly log: (line: string) => void,
    private readonly debounceMs = 200,
  ) {
    this.unsubscribe = store.subscribe(() => this.changed());
  }

  private changed(): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.debounceMs);
  }

  /** Writes the current state now (if anything changed) and waits for it. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.writing = this.writing.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      const file = join(this.stateDir, STATE_FILE);
      const tmp = `${file}.${process.pid}.tmp`;
      try {
        await mkdir(this.stateDir, { recursive: true });
        await writeFile(tmp, JSON.stringify(this.store.snapshot()));
        await rename(tmp, file);
      } catch (err) {
        this.dirty = true;
        this.log(`could not save state to ${file}: ${(err as Error).message}`);
      }
    });
    return this.writing;
  }

  /** Final write, then stops listening. */
  async close(): Promise<void> {
    this.unsubscribe();
    await this.flush();
  }
}
