import { describe, expect, it } from 'vitest';
import { CookieAccessExpiry, type CookieExpiryReader } from '../../../src/sw/access-expiry.ts';

function jar(initial: { value: string; expires: number | null } | null) {
  const state = { cookie: initial };
  const reader: CookieExpiryReader = { get: async () => state.cookie };
  return { state, reader };
}

describe('CookieAccessExpiry', () => {
  it('is due within the ahead window of the cookie\'s expiry, not before', async () => {
    const clock = { nowMs: 10_000 };
    const { reader } = jar({ value: 'v', expires: 15_000 });
    const expiry = new CookieAccessExpiry(reader, 'csrf_access_token', () => clock.nowMs);
    expect(await expiry.isDue(2_000)).toBe(false);
    clock.nowMs = 13_000;
    expect(await expiry.isDue(2_000)).toBe(true);
  });

  it('is never due for a session cookie, whose expiry is unknown', async () => {
    const { reader } = jar({ value: 'v', expires: null });
    expect(await new CookieAccessExpiry(reader, 'c', () => 1e12).isDue(2_000)).toBe(false);
  });

  it('remembers the expiry of a cookie the browser dropped when it ran out, but not of one never seen', async () => {
    const clock = { nowMs: 10_000 };
    const { state, reader } = jar(null);
    const expiry = new CookieAccessExpiry(reader, 'c', () => clock.nowMs);
    expect(await expiry.isDue(2_000)).toBe(false);
    state.cookie = { value: 'v', expires: 20_000 };
    expect(await expiry.isDue(2_000)).toBe(false);
    state.cookie = null;
    clock.nowMs = 21_000;
    expect(await expiry.isDue(2_000)).toBe(true);
  });
});
