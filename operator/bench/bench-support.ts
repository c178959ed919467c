/** Helpers the benches share: waiting, bounded parallelism, and per-process figures read from /proc. */
import { readFileSync, readdirSync } from 'node:fs';

/** Resident memory of a process in MB: now (VmRSS) or its peak (VmHWM). */
export const rssMb = (pid: number, field: 'VmRSS' | 'VmHWM'): number => {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
};

/** CPU seconds (user + system) a process used so far (USER_HZ 100). */
export const cpuSeconds = (pid: number): number => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
};

/** A process and its descendants (tsx runs the script in a child process). */
export const withDescendants = (root: number): number[] => {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      parent.set(Number(d), Number(readFileSync(`/proc/${d}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const [pid, ppid] of parent) if (ppid === out[i]) out.push(pid);
  return out;
};

/** Processes named mosquitto. */
export const mosquittoPids = (): number[] =>
  readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'mosquitto';
    } catch {
      return false;
    }
  });

/** Polls `check` every `pollMs` until it holds; throws naming `what` after `deadline` (ms since the epoch). */
export async function until(check: () => Promise<boolean> | boolean, what: string, deadline: number, pollMs = 250): Promise<void> {
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** Runs `fn` over `items`, `limit` at a time. */
export async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}
