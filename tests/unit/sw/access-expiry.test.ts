import { describe, expect, it } from 'vitest';
import { AccessExpiryTracker } from '../../../src/sw/access-expiry.ts';

describe('AccessExpiryTracker', () => {
  it('gives the expiry the cookie carries, and none for a session cookie', () => {
    const tracker = new AccessExpiryTracker(() => 10_000);
    expect(tracker.expiresAtMs({ value: 'v', expires: 15_000 })).toBe(15_000);
    expect(tracker.expiresAtMs({ value: 'v', expires: null })).toBeUndefined();
    expect(tracker.expiresAtMs({ value: 'v' })).toBeUndefined();
  });

  it('remembers the expiry of a cookie the browser dropped when it ran out, but not of one never seen', () => {
    const clock = { nowMs: 10_000 };
    const tracker = new AccessExpiryTracker(() => clock.nowMs);
    expect(tracker.expiresAtMs(null)).toBeUndefined();
    expect(tracker.expiresAtMs({ value: 'v', expires: 20_000 })).toBe(20_000);
    clock.nowMs = 21_000;
    expect(tracker.expiresAtMs(null)).toBe(20_000);
  });

  it('forgets the expiry of a cookie removed before it (a logout), also once that time has passed', () => {
    const clock = { nowMs: 10_000 };
    const tracker = new AccessExpiryTracker(() => clock.nowMs);
    expect(tracker.expiresAtMs({ value: 'v', expires: 20_000 })).toBe(20_000);
    expect(tracker.expiresAtMs(null)).toBeUndefined();
    clock.nowMs = 21_000;
    expect(tracker.expiresAtMs(null)).toBeUndefined();
  });
});
