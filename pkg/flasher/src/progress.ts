import type { FlashPart } from './types/plan';
import type { FlashProgress, FlashStage } from './types/progress';

/** Turns per-region esptool-js callbacks into whole-run progress events. */
export class ProgressReporter {
  readonly totalBytes: number;
  private finishedBytes = 0;

  constructor(
    parts: readonly FlashPart[],
    private readonly listener?: (progress: FlashProgress) => void,
  ) {
    this.totalBytes = parts.reduce((n, p) => n + p.data.length, 0);
  }

  /** Reports a stage; `regionBytes` is how much of the current region is written. */
  report(stage: FlashStage, region?: string, regionBytes = 0): void {
    if (!this.listener) return;
    const bytesWritten = stage === 'done' ? this.totalBytes : Math.min(this.totalBytes, this.finishedBytes + Math.round(regionBytes));
    const percent = stage === 'done' ? 100 : this.totalBytes === 0 ? 0 : Math.min(99, Math.floor((100 * bytesWritten) / this.totalBytes));
    const progress: FlashProgress = { stage, bytesWritten, totalBytes: this.totalBytes, percent };
    if (region !== undefined) progress.region = region;
    this.listener(progress);
  }

  /** Marks a region as written and verified. */
  finishRegion(part: FlashPart): void {
    this.finishedBytes += part.data.length;
  }
}
