import { ProgressReporter } from './progress';
import type { FlashProgress } from './types/progress';

describe('ProgressReporter', () => {
  it('adds region progress to finished regions and reaches 100 only when done', () => {
    const events: FlashProgress[] = [];
    const parts = [
      { name: 'a', offset: 0, data: new Uint8Array(300) },
      { name: 'b', offset: 0x1000, data: new Uint8Array(100) },
    ];
    const reporter = new ProgressReporter(parts, (p) => events.push(p));
    reporter.report('connecting');
    reporter.report('writing', 'a', 150);
    reporter.finishRegion(parts[0]);
    reporter.report('writing', 'b', 100);
    reporter.report('done');
    expect(events).toEqual([
      { stage: 'connecting', bytesWritten: 0, totalBytes: 400, percent: 0 },
      { stage: 'writing', region: 'a', bytesWritten: 150, totalBytes: 400, percent: 37 },
      { stage: 'writing', region: 'b', bytesWritten: 400, totalBytes: 400, percent: 99 },
      { stage: 'done', bytesWritten: 400, totalBytes: 400, percent: 100 },
    ]);
  });
});
