import type { V1Lease } from '@kubernetes/client-node';
import { decideLease } from './leader';

const now = new Date('2026-11-22T10:00:00Z');
const lease = (holderIdentity: string | undefined, renewedSecondsAgo: number, leaseDurationSeconds = 15): V1Lease => ({
  spec: { holderIdentity, leaseDurationSeconds, renewTime: new Date(now.getTime() - renewedSecondsAgo * 1000) },
});

describe('decideLease', () => {
  it.each([
    ['no lease exists', undefined, 'acquire'],
    ['the lease has no holder (released)', lease(undefined, 1), 'acquire'],
    ['we hold the lease', lease('me', 3), 'renew'],
    ['we hold an expired lease', lease('me', 60), 'renew'],
    ['another replica holds a fresh lease', lease('other', 5), 'wait'],
    ['another replica holds a lease exactly at its duration', lease('other', 15), 'wait'],
    ['another replica stopped renewing', lease('other', 16), 'acquire'],
  ])('when %s', (_case, current, expected) => {
    expect(decideLease(current, 'me', now)).toBe(expected);
  });
});
