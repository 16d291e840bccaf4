import { describe, expect, it } from 'vitest';
import type { CookieReader } from '../../../src/sw/cookie-credentials.ts';
import { FreshCookieReads } from '../../../src/sw/fresh-cookie-reads.ts';

/** A cookie store whose reads the test finishes by hand; each read answers the value as it was when the read started. */
function manualStore(initial: string) {
  const state = { value: initial, started: 0, finishers: [] as (() => void)[] };
  const store: CookieReader = {
    get: () => {
      state.started += 1;
      const valueAtStart = state.value;
      return new Promise((resolve) => state.finishers.push(() => resolve({ value: valueAtStart })));
    },
  };
  const finishNext = async () => {
    state.finishers.shift()?.();
    // Let the chained reads start.
    for (let i = 0; i < 5; i += 1) await Promise.resolve();
  };
  return { state, store, finishNext };
}

describe('FreshCookieReads', () => {
  it('reads once per caller when callers come one after the other', async () => {
    const { state, store, finishNext } = manualStore('a');
    const reads = new FreshCookieReads(store);
    for (let i = 0; i < 3; i += 1) {
      const answer = reads.get('csrf');
      await finishNext();
      expect(await answer).toEqual({ value: 'a' });
    }
    expect(state.started).toBe(3);
  });

  it('never answers a caller with a read that started before it asked; callers during one read share the next', async () => {
    const { state, store, finishNext } = manualStore('old');
    const reads = new FreshCookieReads(store);
    const first = reads.get('csrf');
    // The cookie changes (a refresh answer, a login in another tab) while the first read is in flight;
    // then twenty more requests ask.
    state.value = 'new';
    const later = Array.from({ length: 20 }, () => reads.get('csrf'));
    expect(state.started).toBe(1);
    await finishNext();
    expect(await first).toEqual({ value: 'old' });
    expect(state.started).toBe(2);
    await finishNext();
    expect(await Promise.all(later)).toEqual(Array.from({ length: 20 }, () => ({ value: 'new' })));
    expect(state.started).toBe(2);
  });

  it('keeps each cookie name apart, and goes on after a read fails', async () => {
    let calls = 0;
    const failing: CookieReader = {
      get: async (name) => {
        calls += 1;
        if (calls === 1) throw new Error('cookie store unavailable');
        return { value: name };
      },
    };
    const reads = new FreshCookieReads(failing);
    const failed = reads.get('a');
    const queued = reads.get('a');
    const other = reads.get('b');
    await expect(failed).rejects.toThrow('cookie store unavailable');
    expect(await queued).toEqual({ value: 'a' });
    expect(await other).toEqual({ value: 'b' });
    expect(calls).toBe(3);
  });

  it('asks each read for the tab of the request that started it; requests of other tabs share it', async () => {
    const askedFor: (string | undefined)[] = [];
    const store: CookieReader = {
      get: async (_name, client) => {
        askedFor.push(client?.clientId);
        await new Promise((resolve) => setTimeout(resolve, 1));
        return { value: 'v' };
      },
    };
    const reads = new FreshCookieReads(store);
    expect(await reads.get('csrf', { clientId: 'tab-1' })).toEqual({ value: 'v' });
    const first = reads.get('csrf', { clientId: 'tab-2' });
    const during = [reads.get('csrf', { clientId: 'tab-3' }), reads.get('csrf', { clientId: 'tab-4' })];
    expect(await Promise.all([first, ...during])).toEqual([{ value: 'v' }, { value: 'v' }, { value: 'v' }]);
    // tab-3 and tab-4 asked during tab-2's read: they share the next one, started for tab-3.
    expect(askedFor).toEqual(['tab-1', 'tab-2', 'tab-3']);
  });
});
