import { InvalidPlanError } from './errors';
import type { FlashPlan } from './types/plan';
import { planEnd, validatePlan } from './validate';

const bytes = (n: number): Uint8Array => new Uint8Array(n).fill(0x5a);

function plan(parts: FlashPlan['parts'], overrides: Partial<FlashPlan> = {}): FlashPlan {
  return { chip: 'ESP32', mode: 'full', parts, ...overrides };
}

describe('validatePlan', () => {
  it('accepts sector-aligned parts that do not share a sector', () => {
    const p = plan([
      { name: 'app', offset: 0x10000, data: bytes(0x1001) },
      { name: 'bootloader', offset: 0x1000, data: bytes(0x6000) },
      { name: 'config', offset: 0x12000, data: bytes(0x6000) },
    ]);
    expect(() => validatePlan(p)).not.toThrow();
    expect(planEnd(p)).toBe(0x18000);
  });

  it.each([
    ['an unknown chip', plan([{ name: 'a', offset: 0, data: bytes(4) }], { chip: 'ESP8285' as never }), /Unknown chip "ESP8285"/],
    ['an unknown mode', plan([{ name: 'a', offset: 0, data: bytes(4) }], { mode: 'ota' as never }), /Unknown flash mode "ota"/],
    ['no parts', plan([]), /no parts/],
    ['an empty part', plan([{ name: 'app', offset: 0, data: new Uint8Array(0) }]), /"app" has no data/],
    ['an unaligned offset', plan([{ name: 'app', offset: 0x10800, data: bytes(4) }]), /"app" starts at 0x10800, which is not a multiple of 4 KiB/],
    [
      'two parts in one sector',
      plan([
        { name: 'a', offset: 0x1000, data: bytes(0x800) },
        { name: 'b', offset: 0x2000, data: bytes(4) },
        { name: 'c', offset: 0x1000 * 3, data: bytes(0x1001) },
        { name: 'd', offset: 0x4000, data: bytes(4) },
      ]),
      /"c" and "d" overlap/,
    ],
  ])('rejects %s', (_what, p, message) => {
    expect(() => validatePlan(p)).toThrow(InvalidPlanError);
    expect(() => validatePlan(p)).toThrow(message);
  });
});
