import {
  FlashError,
  flashDevice,
  type FlashErrorCode,
  type FlashPart,
  type FlashPlan,
  type FlashProgress,
} from '@kubeflash/flasher';
import { createSimulator, type SimulatorFaults, type SimulatorOptions } from '@kubeflash/flasher/simulator';
import { initialOtadata, makeEspImage, vector } from './support';

const parts = (): FlashPart[] => [
  { name: 'bootloader', offset: 0x1000, data: makeEspImage('ESP32', 20_000, 11) },
  { name: 'partition-table', offset: 0x8000, data: vector('partition_table', '03c_config_nvs_keys', 'output.bin') },
  { name: 'otadata', offset: 0xd000, data: initialOtadata() },
  { name: 'app', offset: 0x10000, data: makeEspImage('ESP32', 200_000, 12) },
  { name: 'config', offset: 0x390000, data: vector('nvs', '01a_config', 'output.bin') },
];
const plan = (): FlashPlan => ({ chip: 'ESP32', mode: 'full', parts: parts() });
const bytesBefore = (name: string): number => {
  const all = parts();
  return all.slice(0, all.findIndex((p) => p.name === name)).reduce((n, p) => n + p.data.length, 0);
};

async function failure(
  faults: SimulatorFaults,
  options: { sim?: Partial<SimulatorOptions>; plan?: FlashPlan; signal?: AbortSignal; onProgress?: (p: FlashProgress) => void } = {},
): Promise<{ error: FlashError; seconds: number; sim: ReturnType<typeof createSimulator> }> {
  const sim = createSimulator({ chip: 'ESP32', ...options.sim, faults });
  const started = Date.now();
  const outcome = await flashDevice(sim.port, options.plan ?? plan(), { signal: options.signal, onProgress: options.onProgress }).then(
    () => new Error('flashDevice resolved although a fault was injected'),
    (err: unknown) => err,
  );
  if (!(outcome instanceof FlashError)) throw outcome;
  return { error: outcome, seconds: (Date.now() - started) / 1000, sim };
}

function expectCode(error: FlashError, code: FlashErrorCode): void {
  expect({ code: error.code, message: error.message }).toEqual({ code, message: expect.any(String) });
  expect(error.userAction.length).toBeGreaterThan(20);
}

describe('fault injection: every fault ends in its own user-facing error, within bounded time', () => {
  it('abort while connecting to a silent board -> CANCELLED at once, nothing written', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const { error, seconds } = await failure({ noResponse: 'silent' }, { signal: controller.signal });
    expectCode(error, 'CANCELLED');
    expect(error.userAction).toMatch(/Nothing was written/);
    expect(seconds).toBeLessThan(4);
  });

  it('abort while writing -> CANCELLED naming the region, promptly', async () => {
    const controller = new AbortController();
    let abortedAt = 0;
    const { error } = await failure(
      {},
      {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.region === 'app' && p.stage === 'writing' && p.bytesWritten > bytesBefore('app') + 20_000 && !abortedAt) {
            abortedAt = Date.now();
            controller.abort();
          }
        },
      },
    );
    expectCode(error, 'CANCELLED');
    expect(error).toMatchObject({ region: 'app' });
    expect(Date.now() - abortedAt).toBeLessThan(4000);
  });

  it('port held by another program -> PORT_BUSY', async () => {
    const { error, seconds } = await failure({ portBusy: true });
    expectCode(error, 'PORT_BUSY');
    expect(error.userAction).toMatch(/Close any other program/);
    expect(seconds).toBeLessThan(2);
  });

  it.each(['silent', 'boots-app'] as const)('chip never enters the loader (%s) -> NO_RESPONSE with the BOOT/RESET instruction', async (mode) => {
    const { error, seconds, sim } = await failure({ noResponse: mode });
    expectCode(error, 'NO_RESPONSE');
    expect(error.userAction).toMatch(/hold the BOOT button, press and release RESET/);
    expect(sim.device.flash.programmedBytes).toBe(0);
    expect(seconds).toBeLessThan(15);
  });

  it('another chip than the plan -> WRONG_CHIP naming both, nothing written, board restarted into its firmware', async () => {
    const { error, sim } = await failure({}, { sim: { chip: 'ESP32-C3' } });
    expectCode(error, 'WRONG_CHIP');
    expect(error.message).toBe('This board is an ESP32-C3, but the firmware is built for ESP32. Nothing was written.');
    expect(sim.device.flash.programmedBytes).toBe(0);
    expect(sim.device.trace.some((t) => t.name === 'MEM_BEGIN')).toBe(false);
    expect(sim.device.mode).toBe('app');
  });

  it('flash smaller than the plan -> FLASH_TOO_SMALL before anything is written', async () => {
    const { error, sim } = await failure({}, { sim: { flashSize: 0x200000 } });
    expectCode(error, 'FLASH_TOO_SMALL');
    expect(error.message).toMatch(/needs 3672 KB of flash, but the board has only 2 MB/);
    expect(sim.device.flash.programmedBytes).toBe(0);
  });

  it('cable pulled while the app is written -> DISCONNECTED naming the incomplete region and the verified ones', async () => {
    const { error, seconds, sim } = await failure({ dropLinkAfterProgrammedBytes: bytesBefore('app') + 50_000 });
    expectCode(error, 'DISCONNECTED');
    expect(error).toMatchObject({ region: 'app', completedRegions: ['bootloader', 'partition-table', 'otadata'] });
    expect(error.message).toMatch(/disconnected while app was being written; app is incomplete/);
    expect(error.userAction).toMatch(/run the same install again/);
    expect(sim.device.mode).toBe('lost');
    expect(seconds).toBeLessThan(10);
  });

  it('link lost during the stub upload -> DISCONNECTED without a region', async () => {
    const { error } = await failure({ dropLinkAfterHostBytes: 3000 });
    expectCode(error, 'DISCONNECTED');
    expect(error).toMatchObject({ region: undefined, completedRegions: [] });
  });

  it('a stuck flash bit in the app -> VERIFY_MISMATCH at app, board left in download mode', async () => {
    const { error, sim } = await failure({ corruptFlashByteAt: 0x10000 + 12_345 });
    expectCode(error, 'VERIFY_MISMATCH');
    expect(error).toMatchObject({ region: 'app', offset: 0x10000 });
    expect(error.message).toBe('Verification failed for app at 0x10000: the flash does not hold the data that was written.');
    expect(sim.device.mode).toBe('stub');
    expect(sim.device.trace.some((t) => t.address === 0x390000 && t.name === 'FLASH_DEFL_BEGIN')).toBe(false);
  });

  it('a block rejected on every retry -> WRITE_FAILED at that region; one rejection is retried transparently', async () => {
    const { error } = await failure({ rejectDataBlock: { seq: 3, times: 3, offset: 0x10000 } });
    expectCode(error, 'WRITE_FAILED');
    expect(error).toMatchObject({ region: 'app', offset: 0x10000 });

    const sim = createSimulator({ chip: 'ESP32', faults: { rejectDataBlock: { seq: 3, times: 1, offset: 0x10000 } } });
    await expect(flashDevice(sim.port, plan())).resolves.toMatchObject({ chip: 'ESP32' });
    expect(sim.device.trace.filter((t) => t.result === 'checksum error')).toHaveLength(1);
  });

  it('not a fault: a native-USB board re-enumerates when it restarts, and the install still succeeds', async () => {
    const sim = createSimulator({ chip: 'ESP32', faults: { reenumerateOnAppBoot: true } });
    await expect(flashDevice(sim.port, plan())).resolves.toMatchObject({ chip: 'ESP32' });
    expect(sim.device.boots.map((b) => b.mode)).toEqual(['rom', 'app']);
  });
});
