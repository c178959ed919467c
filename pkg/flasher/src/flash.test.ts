import { flashDevice } from './flash';
import type { FlashErrorCode } from './errors';
import type { SerialPortLike } from './types/serial-port';

function portFailingToOpen(error: Error): SerialPortLike {
  return {
    readable: null,
    writable: null,
    open: () => Promise.reject(error),
    close: () => Promise.resolve(),
    setSignals: () => Promise.resolve(),
    getInfo: () => ({}),
  };
}

const plan = { chip: 'ESP32' as const, mode: 'full' as const, parts: [{ name: 'config', offset: 0x9000, data: new Uint8Array(16) }] };

describe('flashDevice: failures to open the port', () => {
  it.each<[string, Error, FlashErrorCode, RegExp]>([
    ['held by another program (Web Serial)', Object.assign(new Error('Failed to open serial port.'), { name: 'NetworkError' }), 'PORT_BUSY', /Close any other program/],
    ['locked (node serialport)', new Error('Error Resource temporarily unavailable Cannot lock port'), 'PORT_BUSY', /Close any other program/],
    ['missing', new Error('Error: No such file or directory, cannot open /dev/ttyUSB9'), 'PORT_UNAVAILABLE', /plugged in with a data cable/],
    ['not permitted', new Error('Error: Permission denied, cannot open /dev/ttyUSB0'), 'PORT_UNAVAILABLE', /dialout/],
  ])('%s', async (_what, error, code, action) => {
    const failure = await flashDevice(portFailingToOpen(error), plan).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code, userAction: expect.stringMatching(action) });
  });

  it('rejects an invalid plan before touching the port', async () => {
    const port = portFailingToOpen(new Error('must not be opened'));
    await expect(flashDevice(port, { ...plan, parts: [] })).rejects.toMatchObject({ code: 'INVALID_PLAN' });
  });

  it('does not start when the signal is already aborted', async () => {
    const port = portFailingToOpen(new Error('must not be opened'));
    await expect(flashDevice(port, plan, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
