/** `0x`-prefixed lowercase hex, as esptool and partition tables write offsets. */
export function hex(n: number): string {
  return `0x${ n.toString(16) }`;
}

/** Byte size for people: B, KiB, MiB with one decimal. */
export function formatBytes(n: number | undefined): string {
  if (n === undefined || n === null || Number.isNaN(n)) {
    return '';
  }
  if (n < 1024) {
    return `${ n } B`;
  }
  if (n < 1024 * 1024) {
    return `${ (n / 1024).toFixed(1) } KiB`;
  }

  return `${ (n / (1024 * 1024)).toFixed(1) } MiB`;
}

/** Seconds between two RFC 3339 times (or until now), or undefined when the start is unknown. */
export function durationSeconds(start: string | undefined, end: string | undefined, now: Date = new Date()): number | undefined {
  if (!start) {
    return undefined;
  }
  const from = Date.parse(start);
  const to = end ? Date.parse(end) : now.getTime();

  return Number.isNaN(from) || Number.isNaN(to) ? undefined : Math.max(0, Math.round((to - from) / 1000));
}

/** `1h 2m 3s` style duration. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined) {
    return '';
  }
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;

  return [h ? `${ h }h` : '', m ? `${ m }m` : '', `${ s }s`].filter(Boolean).join(' ');
}
