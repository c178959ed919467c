import { ApiException } from '@kubernetes/client-node';
import { createLogger } from '../manager/logger';
import { KeyedController } from './keyed-controller';

describe('KeyedController', () => {
  it('logs every failed reconcile as a structured error with the controller, key, attempt and cause', async () => {
    const lines: string[] = [];
    const logger = createLogger({ write: (l) => lines.push(l) });
    let calls = 0;
    const controller = new KeyedController(
      'device',
      async () => {
        calls++;
        if (calls <= 2) throw new ApiException(500, 'Internal Server Error', JSON.stringify({ kind: 'Status', message: 'etcdserver: request timed out' }), {});
      },
      () => ['kubeflash-demo/garage-temp-1'],
      { logger },
    );
    controller.start();
    const deadline = Date.now() + 10_000;
    while (calls < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await controller.stop();
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map(({ time: _t, retryInMs: _r, ...rest }) => rest)).toEqual([1, 2].map((attempt) => ({
      level: 'error',
      msg: 'reconcile failed',
      controller: 'device',
      key: 'kubeflash-demo/garage-temp-1',
      attempt,
      error: 'etcdserver: request timed out (HTTP 500)',
    })));
    expect(records[1].retryInMs).toBeGreaterThan(records[0].retryInMs as number);
  });
});
