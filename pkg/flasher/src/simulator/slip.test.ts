import { SlipDecoder, slipEncode } from './slip';

describe('SLIP framing', () => {
  it('escapes 0xC0 and 0xDB and round-trips through the decoder', () => {
    const packet = Uint8Array.from([1, 0xc0, 2, 0xdb, 3]);
    const encoded = slipEncode(packet);
    expect(Array.from(encoded)).toEqual([0xc0, 1, 0xdb, 0xdc, 2, 0xdb, 0xdd, 3, 0xc0]);
    expect(new SlipDecoder().push(encoded)).toEqual([packet]);
  });

  it('ignores text outside frames and empty frames, and decodes frames split across chunks', () => {
    const decoder = new SlipDecoder();
    const first = decoder.push(new TextEncoder().encode('boot text\r\n'));
    const second = decoder.push(Uint8Array.from([0xc0, 0xc0, 7, 8]));
    const third = decoder.push(Uint8Array.from([9, 0xc0, 0xc0, 5, 0xc0]));
    expect(first).toEqual([]);
    expect(second).toEqual([]);
    expect(third).toEqual([Uint8Array.from([7, 8, 9]), Uint8Array.from([5])]);
  });

  it('drops a frame with an invalid escape', () => {
    expect(new SlipDecoder().push(Uint8Array.from([0xc0, 1, 0xdb, 0x01, 0xc0, 2, 0xc0]))).toEqual([Uint8Array.from([2])]);
  });
});
