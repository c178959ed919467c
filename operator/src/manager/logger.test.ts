import { createLogger, LogFormat, LogLevel } from './logger';

const NOW = () => new Date('2026-12-06T10:00:00.000Z');

describe('createLogger', () => {
  it('writes one JSON object per record with the level, message, bound and given fields', () => {
    const lines: string[] = [];
    const logger = createLogger({ write: (l) => lines.push(l), now: NOW }).with({ component: 'operator' });
    logger.error('reconcile failed', { controller: 'device', key: 'ns/a', attempt: 3, skipped: undefined });
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { time: '2026-12-06T10:00:00.000Z', level: 'error', msg: 'reconcile failed', component: 'operator', controller: 'device', key: 'ns/a', attempt: 3 },
    ]);
  });

  it('drops records below the level', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: LogLevel.Warn, write: (l) => lines.push(l), now: NOW });
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['w', 'e']);
  });

  it('writes text with key=value pairs, quoting values with spaces', () => {
    const lines: string[] = [];
    createLogger({ format: LogFormat.Text, write: (l) => lines.push(l), now: NOW }).warn('lost the lease', { identity: 'pod-1', error: 'HTTP 409 conflict' });
    expect(lines).toEqual(['2026-12-06T10:00:00.000Z WARN  lost the lease identity=pod-1 error="HTTP 409 conflict"']);
  });
});
