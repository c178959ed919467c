import { OperatorMetrics } from './metrics';
import { WorkQueue } from './workqueue';

describe('OperatorMetrics', () => {
  it('counts reconciles by result, records durations and queue depth from a real work queue', async () => {
    const metrics = new OperatorMetrics({ processMetrics: false });
    let calls = 0;
    const queue = new WorkQueue(async () => {
      calls++;
      if (calls === 2) throw new Error('boom');
    }, { concurrency: 1, baseBackoffMs: 60_000, ...metrics.queueObservers('device') });
    queue.add('ns/a');
    queue.add('ns/b');
    queue.add('ns/c');
    await queue.whenIdle();
    await queue.shutdown();
    const { contentType, body } = await metrics.exposition();
    expect(contentType).toMatch(/^text\/plain/);
    expect(body).toContain('kubeflash_reconcile_total{controller="device",result="success"} 2');
    expect(body).toContain('kubeflash_reconcile_total{controller="device",result="error"} 1');
    expect(body).toContain('kubeflash_reconcile_duration_seconds_count{controller="device"} 3');
    expect(body).toContain('kubeflash_workqueue_depth{controller="device"} 0');
    expect(body).toContain('kubeflash_workqueue_wait_seconds_count{controller="device"} 3');
  });

  it('counts the fleet from the running controllers only, by ConfigReady status', async () => {
    const metrics = new OperatorMetrics({ processMetrics: false });
    expect((await metrics.exposition()).body).not.toMatch(/^kubeflash_devices\{/m);
    metrics.setFleetSource(() => ({ True: 3, False: 1, Unknown: 0 }));
    const { body } = await metrics.exposition();
    expect(body).toContain('kubeflash_devices{config_ready="True"} 3');
    expect(body).toContain('kubeflash_devices{config_ready="False"} 1');
    metrics.setFleetSource(undefined);
    expect((await metrics.exposition()).body).not.toMatch(/^kubeflash_devices\{/m);
  });

  it('includes process metrics unless turned off', async () => {
    expect((await new OperatorMetrics().exposition()).body).toContain('kubeflash_process_resident_memory_bytes');
  });
});
