import { describe, expect, it, vi } from 'vitest';
import type { RefreshResult } from '../../../src/sw/credential-source.ts';
import { MemoryGenerationStore } from '../../../src/sw/generation-store.ts';
import { RefreshCoordinator, type RefreshCoordinatorOptions } from '../../../src/sw/refresh-coordinator.ts';
import { NoRefreshLock, type RefreshLock } from '../../../src/sw/refresh-lock.ts';
import type { TabMessage } from '../../../src/sw/tab-messages.ts';

/** A lock shared by several coordinators, as the Web Lock is shared by several workers. */
class QueueLock implements RefreshLock {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(signal: AbortSignal, task: () => Promise<T>): Promise<T> {
    const granted = this.#tail.then(() => {
      if (signal.aborted) throw signal.reason;
      return task();
    });
    this.#tail = granted.catch(() => undefined);
    return granted;
  }
}

/** A lock someone else holds forever. */
const heldLock: RefreshLock = {
  run: (signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
};

type Answer = (signal: AbortSignal) => Promise<RefreshResult>;

/** A refresh answer that comes when the test calls `finish`, or as a failure when the request is aborted (as fetch does). */
function lateAnswer() {
  let finish!: (result: RefreshResult) => void;
  const answer: Answer = (signal) => new Promise((resolve) => {
    finish = resolve;
    signal.addEventListener('abort', () => resolve({ kind: 'failed', reason: 'timeout' }), { once: true });
  });
  return { answer, finish: (result: RefreshResult) => finish(result) };
}

function setup(overrides: Partial<RefreshCoordinatorOptions> & { answer?: Answer; credentialValues?: { current: string } } = {}) {
  const clock = { nowMs: 1_000_000 };
  const messages: TabMessage[] = [];
  const refreshCalls: AbortSignal[] = [];
  const answer = overrides.answer ?? (async (): Promise<RefreshResult> => ({ kind: 'refreshed' }));
  const store = overrides.store ?? new MemoryGenerationStore();
  // What the browser's cookie jar holds: a new login changes it.
  const credentialValues = overrides.credentialValues ?? { current: 'session-1' };
  const coordinator = new RefreshCoordinator({
    credentials: {
      refresh: (signal) => {
        refreshCalls.push(signal);
        return answer(signal);
      },
      fingerprint: async () => `fingerprint of ${credentialValues.current}`,
    },
    store,
    lock: new NoRefreshLock(),
    announce: (message) => messages.push(message),
    refreshTimeoutMs: 200,
    cooldownMs: 1_000,
    now: () => clock.nowMs,
    ...overrides,
  });
  return { coordinator, clock, messages, refreshCalls, store, credentialValues };
}

describe('RefreshCoordinator', () => {
  it('makes one refresh for any number of concurrent 401s of one generation', async () => {
    const { coordinator, refreshCalls, messages } = setup();
    const outcomes = await Promise.all(Array.from({ length: 50 }, () => coordinator.refreshFrom(0)));
    expect(refreshCalls).toHaveLength(1);
    expect(new Set(outcomes.map((o) => JSON.stringify(o)))).toEqual(new Set([JSON.stringify({ kind: 'refreshed', generation: 1 })]));
    expect(messages).toEqual([{ type: 'refreshed', generation: 1 }]);
    expect(coordinator.generation).toBe(1);
  });

  it('replays without refreshing a request whose 401 comes after the refresh it predates', async () => {
    const { coordinator, refreshCalls, store } = setup();
    await coordinator.refreshFrom(0);
    expect(await coordinator.refreshFrom(0)).toEqual({ kind: 'refreshed', generation: 1 });
    expect(refreshCalls).toHaveLength(1);
    expect(await store.read()).toEqual({ generation: 1, refreshedAtMs: 1_000_000, refreshSentAtMs: 1_000_000 });
  });

  it('skips the network when another worker refreshed while this one waited for the lock', async () => {
    const store = new MemoryGenerationStore();
    const lock = new QueueLock();
    const first = setup({ store, lock });
    const second = setup({ store, lock });
    const outcomes = await Promise.all([first.coordinator.refreshFrom(0), second.coordinator.refreshFrom(0)]);
    expect(first.refreshCalls.length + second.refreshCalls.length).toBe(1);
    expect(outcomes).toEqual([{ kind: 'refreshed', generation: 1 }, { kind: 'refreshed', generation: 1 }]);
    expect(second.coordinator.generation).toBe(1);
  });

  it('starts from the persisted generation after a restart', async () => {
    const store = new MemoryGenerationStore();
    await store.write({ generation: 7, refreshedAtMs: 1 });
    const { coordinator, refreshCalls } = setup({ store });
    await coordinator.ready();
    expect(coordinator.generation).toBe(7);
    expect(await coordinator.refreshFrom(6)).toEqual({ kind: 'refreshed', generation: 7 });
    expect(refreshCalls).toHaveLength(0);
  });

  it('does not take a 401 right after a refresh for an expiry, and refreshes again after the cooldown', async () => {
    const { coordinator, clock, refreshCalls } = setup();
    await coordinator.refreshFrom(0);
    clock.nowMs += 999;
    expect(await coordinator.refreshFrom(1)).toEqual({ kind: 'not-expiry' });
    expect(refreshCalls).toHaveLength(1);
    clock.nowMs += 1;
    expect(await coordinator.refreshFrom(1)).toEqual({ kind: 'refreshed', generation: 2 });
    expect(refreshCalls).toHaveLength(2);
  });

  it('announces session-expired when the server refuses, and does not retry within the cooldown', async () => {
    const { coordinator, clock, refreshCalls, messages } = setup({ answer: async () => ({ kind: 'refused', status: 401 }) });
    expect(await coordinator.refreshFrom(0)).toEqual({ kind: 'session-expired' });
    expect(messages).toEqual([{ type: 'session-expired' }]);
    clock.nowMs += 500;
    expect(await coordinator.refreshFrom(0)).toEqual({ kind: 'session-expired' });
    expect(refreshCalls).toHaveLength(1);
    expect(coordinator.generation).toBe(0);
  });

  it('announces refresh-failed with the reason on a 5xx, and may try again after the cooldown', async () => {
    const { coordinator, clock, refreshCalls, messages } = setup({ answer: async () => ({ kind: 'failed', reason: 'status 503' }) });
    expect(await coordinator.refreshFrom(0)).toEqual({ kind: 'failed', reason: 'status 503' });
    expect(messages).toEqual([{ type: 'refresh-failed', reason: 'status 503' }]);
    clock.nowMs += 1_000;
    await coordinator.refreshFrom(0);
    expect(refreshCalls).toHaveLength(2);
  });

  it('ends the waiting requests at the timeout, but lets the refresh request run on until maxRefreshMs, holding the lock', async () => {
    const lock = new QueueLock();
    const store = new MemoryGenerationStore();
    const { answer } = lateAnswer();
    const { coordinator, refreshCalls, messages } = setup({ answer, lock, store, maxRefreshMs: 600 });
    const waiting = Array.from({ length: 5 }, () => coordinator.refreshFrom(0));
    expect(await Promise.all(waiting)).toEqual(Array(5).fill({ kind: 'failed', reason: 'timeout' }));
    expect(messages).toEqual([{ type: 'refresh-failed', reason: 'timeout' }]);
    // The server may already have rotated the token: its answer must not be thrown away at the timeout.
    expect(refreshCalls[0]?.aborted).toBe(false);
    await vi.waitFor(() => expect(refreshCalls[0]?.aborted).toBe(true), { timeout: 3_000 });
    // Bounded: the lock is free again, another worker can refresh.
    const other = setup({ lock, store });
    other.clock.nowMs += 10_000;
    expect(await other.coordinator.refreshFrom(0)).toEqual({ kind: 'refreshed', generation: 1 });
    expect(messages).toEqual([{ type: 'refresh-failed', reason: 'timeout' }]);
  });

  it('keeps a refresh that succeeds after the timeout: new generation persisted, tabs told', async () => {
    const { answer, finish } = lateAnswer();
    const { coordinator, refreshCalls, messages, store } = setup({ answer });
    expect(await coordinator.refreshFrom(0)).toEqual({ kind: 'failed', reason: 'timeout' });
    finish({ kind: 'refreshed' });
    await vi.waitFor(async () => expect((await store.read()).generation).toBe(1));
    expect(coordinator.generation).toBe(1);
    expect(refreshCalls).toHaveLength(1);
    expect(messages).toEqual([{ type: 'refresh-failed', reason: 'timeout' }, { type: 'refreshed', generation: 1 }]);
    // A request stamped before it now replays without a refresh.
    expect(await coordinator.refreshFrom(0)).toEqual({ kind: 'refreshed', generation: 1 });
    expect(refreshCalls).toHaveLength(1);
  });

  it('starts no second refresh while one still runs past its timeout: a new 401 waits for it', async () => {
    const { answer, finish } = lateAnswer();
    const { coordinator, clock, refreshCalls } = setup({ answer });
    expect(await coordinator.refreshFrom(0)).toEqual({ kind: 'failed', reason: 'timeout' });
    // Long after any cooldown, while the first refresh has still not answered.
    clock.nowMs += 60_000;
    const late = coordinator.refreshFrom(0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    finish({ kind: 'refreshed' });
    expect(await late).toEqual({ kind: 'refreshed', generation: 1 });
    expect(refreshCalls).toHaveLength(1);
  });

  it('a 401 that waits for a refresh running past its timeout gets its own answer within the timeout', async () => {
    const { answer } = lateAnswer();
    const { coordinator, clock, refreshCalls } = setup({ answer, maxRefreshMs: 5_000 });
    expect(await coordinator.refreshFrom(0)).toEqual({ kind: 'failed', reason: 'timeout' });
    clock.nowMs += 60_000;
    const started = Date.now();
    expect(await coordinator.refreshFrom(0)).toEqual({ kind: 'failed', reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(200 + 2_000);
    expect(refreshCalls).toHaveLength(1);
  });

  it('remembers a failed refresh in the store: a second worker honours the cooldown', async () => {
    const store = new MemoryGenerationStore();
    const first = setup({ store, answer: async () => ({ kind: 'failed', reason: 'status 503' }) });
    expect(await first.coordinator.refreshFrom(0)).toEqual({ kind: 'failed', reason: 'status 503' });
    const second = setup({ store });
    second.clock.nowMs += 500;
    await second.coordinator.ready();
    expect(await second.coordinator.refreshFrom(0)).toEqual({ kind: 'failed', reason: 'cooldown after a failed refresh' });
    expect(second.refreshCalls).toHaveLength(0);
    // Old records, without the failure time, still read.
    expect(await store.read()).toMatchObject({ generation: 0, refreshedAtMs: 0, failedAtMs: 1_000_000 });
  });

  it('a failure holds the next refresh for the cooldown only while the credentials are the ones it failed with: a new login refreshes at once', async () => {
    // Seen in a browser: the app called its API before any login, the refresh could not be sent
    // (no CSRF cookie yet), the user logged in, and an expiry within the cooldown met a refusal
    // to refresh that had nothing to do with the new session.
    let failing = true;
    const { coordinator, clock, refreshCalls, credentialValues, store } = setup({
      answer: async () => (failing ? { kind: 'failed', reason: 'no refresh cookie' } : { kind: 'refreshed' }),
    });
    expect(await coordinator.refreshFrom(0)).toEqual({ kind: 'failed', reason: 'no refresh cookie' });
    clock.nowMs += 100;
    expect(await coordinator.refreshFrom(0)).toEqual({ kind: 'failed', reason: 'cooldown after a failed refresh' });
    expect(refreshCalls).toHaveLength(1);

    credentialValues.current = 'session-2';
    failing = false;
    expect(await coordinator.refreshFrom(0)).toEqual({ kind: 'refreshed', generation: 1 });
    expect(refreshCalls).toHaveLength(2);
    expect(await store.read()).not.toHaveProperty('failedCredentials');
  });

  it('a second worker also refreshes at once for credentials other than the ones a failure was made with', async () => {
    const store = new MemoryGenerationStore();
    const first = setup({ store, answer: async () => ({ kind: 'failed', reason: 'status 503' }) });
    expect(await first.coordinator.refreshFrom(0)).toEqual({ kind: 'failed', reason: 'status 503' });
    const same = setup({ store });
    same.clock.nowMs += 500;
    await same.coordinator.ready();
    expect(await same.coordinator.refreshFrom(0)).toEqual({ kind: 'failed', reason: 'cooldown after a failed refresh' });
    const other = setup({ store, credentialValues: { current: 'session-2' } });
    other.clock.nowMs += 500;
    await other.coordinator.ready();
    expect(await other.coordinator.refreshFrom(0)).toEqual({ kind: 'refreshed', generation: 1 });
    expect(same.refreshCalls.length + other.refreshCalls.length).toBe(1);
  });

  it('gives up when the lock is not granted within the timeout, without refreshing', async () => {
    const { coordinator, refreshCalls } = setup({ lock: heldLock });
    expect(await coordinator.refreshFrom(0)).toEqual({ kind: 'failed', reason: 'timeout' });
    expect(refreshCalls).toHaveLength(0);
  });

  it('lets new requests wait for the refresh in flight, and never rejects them', async () => {
    let finish!: (result: RefreshResult) => void;
    const { coordinator } = setup({ answer: () => new Promise((resolve) => { finish = resolve; }) });
    const refreshing = coordinator.refreshFrom(0);
    let idle = false;
    const waiting = coordinator.idle().then(() => { idle = true; });
    await vi.waitFor(() => expect(finish).toBeTypeOf('function'));
    expect(idle).toBe(false);
    finish({ kind: 'failed', reason: 'status 500' });
    await Promise.all([refreshing, waiting]);
    expect(idle).toBe(true);
  });

  describe('after the server refused a refresh (#3)', () => {
    it('refreshes no more until the credentials change, and announces session-expired once', async () => {
      let result: RefreshResult = { kind: 'refused', status: 401 };
      const { coordinator, clock, refreshCalls, messages, credentialValues } = setup({ answer: async () => result });
      expect(await coordinator.refreshFrom(0)).toEqual({ kind: 'session-expired' });
      for (let i = 0; i < 5; i += 1) {
        clock.nowMs += 10_000; // long past every cooldown
        expect(await coordinator.refreshFrom(0)).toEqual({ kind: 'session-expired' });
      }
      expect(refreshCalls).toHaveLength(1);
      expect(messages).toEqual([{ type: 'session-expired' }]);

      // A new login in some tab: new cookie values. The next expiry refreshes as usual.
      credentialValues.current = 'session-2';
      result = { kind: 'refreshed' };
      expect(await coordinator.refreshFrom(0)).toEqual({ kind: 'refreshed', generation: 1 });
      expect(refreshCalls).toHaveLength(2);
      expect(messages).toEqual([{ type: 'session-expired' }, { type: 'refreshed', generation: 1 }]);
    });

    it('lets a new login refresh at once, even within the cooldown of the refusal', async () => {
      let result: RefreshResult = { kind: 'refused', status: 401 };
      const { coordinator, clock, refreshCalls, credentialValues } = setup({ answer: async () => result });
      await coordinator.refreshFrom(0);
      credentialValues.current = 'session-2';
      result = { kind: 'refreshed' };
      clock.nowMs += 10;
      expect(await coordinator.refreshFrom(0)).toEqual({ kind: 'refreshed', generation: 1 });
      expect(refreshCalls).toHaveLength(2);
    });

    it('announces session-expired again when the new session ends too', async () => {
      const { coordinator, clock, refreshCalls, messages, credentialValues } = setup({ answer: async () => ({ kind: 'refused', status: 401 }) });
      await coordinator.refreshFrom(0);
      credentialValues.current = 'session-2';
      clock.nowMs += 10_000;
      expect(await coordinator.refreshFrom(0)).toEqual({ kind: 'session-expired' });
      clock.nowMs += 10_000;
      expect(await coordinator.refreshFrom(0)).toEqual({ kind: 'session-expired' });
      expect(refreshCalls).toHaveLength(2);
      expect(messages).toEqual([{ type: 'session-expired' }, { type: 'session-expired' }]);
    });

    it('persists the refusal: a second worker sends no refresh for the same credentials, and announces nothing', async () => {
      const store = new MemoryGenerationStore();
      const lock = new QueueLock();
      const first = setup({ store, lock, answer: async () => ({ kind: 'refused', status: 403 }) });
      await first.coordinator.refreshFrom(0);
      const second = setup({ store, lock });
      second.clock.nowMs += 60_000;
      await second.coordinator.ready();
      expect(await second.coordinator.refreshFrom(0)).toEqual({ kind: 'session-expired' });
      expect(second.refreshCalls).toHaveLength(0);
      expect(second.messages).toEqual([]);
    });
  });

  describe('with a wall clock that steps back (#7)', () => {
    it('takes a 401 after the clock stepped back for what it says: a negative age is unknown, not "just refreshed"', async () => {
      const { coordinator, clock, refreshCalls } = setup();
      await coordinator.refreshFrom(0);
      clock.nowMs -= 3_600_000; // NTP, a resume from sleep, a manual change
      expect(await coordinator.refreshFrom(1)).toEqual({ kind: 'refreshed', generation: 2 });
      expect(refreshCalls).toHaveLength(2);
    });

    it('does not stay in the failure cooldown for as long as the clock stepped back', async () => {
      let result: RefreshResult = { kind: 'failed', reason: 'status 503' };
      const { coordinator, clock, refreshCalls } = setup({ answer: async () => result });
      await coordinator.refreshFrom(0);
      clock.nowMs -= 3_600_000;
      result = { kind: 'refreshed' };
      expect(await coordinator.refreshFrom(0)).toEqual({ kind: 'refreshed', generation: 1 });
      expect(refreshCalls).toHaveLength(2);
    });

    it('by default measures ages with a clock that the wall clock stepping back does not move', async () => {
      // The wall clock as the worker sees it; stepped back by an hour below.
      const realNow = Date.now.bind(Date);
      const wall = { offsetMs: 0 };
      const dateNow = vi.spyOn(Date, 'now').mockImplementation(() => realNow() + wall.offsetMs);
      let refreshes = 0;
      try {
        const coordinator = new RefreshCoordinator({
          credentials: { refresh: async () => { refreshes += 1; return { kind: 'refreshed' }; }, fingerprint: async () => 'x' },
          store: new MemoryGenerationStore(),
          lock: new NoRefreshLock(),
          announce: () => undefined,
          refreshTimeoutMs: 1_000,
          cooldownMs: 50,
        });
        await coordinator.refreshFrom(0);
        await new Promise((resolve) => setTimeout(resolve, 80));
        wall.offsetMs = -3_600_000;
        expect(await coordinator.refreshFrom(1)).toEqual({ kind: 'refreshed', generation: 2 });
      } finally {
        dateNow.mockRestore();
      }
      expect(refreshes).toBe(2);
    });
  });

  describe('a real expiry soon after a refresh (#15)', () => {
    it('refreshes at once for an answer that positively says expired, even within the cooldown', async () => {
      const { coordinator, clock, refreshCalls } = setup();
      await coordinator.refreshFrom(0, { evidence: 'positive' });
      clock.nowMs += 10;
      expect(await coordinator.refreshFrom(1, { evidence: 'positive' })).toEqual({ kind: 'refreshed', generation: 2 });
      expect(refreshCalls).toHaveLength(2);
      // Still once per generation.
      expect(await coordinator.refreshFrom(1, { evidence: 'positive' })).toEqual({ kind: 'refreshed', generation: 2 });
      expect(refreshCalls).toHaveLength(2);
    });

    it('keeps the cooldown for a bare 401 (status-only configs): it may be a permission or CSRF answer', async () => {
      const { coordinator, clock, refreshCalls } = setup();
      await coordinator.refreshFrom(0);
      clock.nowMs += 10;
      expect(await coordinator.refreshFrom(1, { evidence: 'presumed' })).toEqual({ kind: 'not-expiry' });
      expect(refreshCalls).toHaveLength(1);
    });

    it('backs off, longer each time, when refreshes did not help (their replays still met "expired")', async () => {
      const { coordinator, clock, refreshCalls } = setup(); // cooldownMs 1 s
      await coordinator.refreshFrom(0, { evidence: 'positive' });
      coordinator.refreshDidNotHelp(1);
      clock.nowMs += 10;
      expect(await coordinator.refreshFrom(1, { evidence: 'positive' })).toEqual({ kind: 'failed', reason: 'backoff after a refresh that did not help' });
      clock.nowMs += 1_000;
      expect(await coordinator.refreshFrom(1, { evidence: 'positive' })).toEqual({ kind: 'refreshed', generation: 2 });
      coordinator.refreshDidNotHelp(2);
      clock.nowMs += 1_500; // the second time, the wait doubles
      expect(await coordinator.refreshFrom(2, { evidence: 'positive' })).toEqual({ kind: 'failed', reason: 'backoff after a refresh that did not help' });
      clock.nowMs += 500;
      expect(await coordinator.refreshFrom(2, { evidence: 'positive' })).toEqual({ kind: 'refreshed', generation: 3 });
      expect(refreshCalls).toHaveLength(3);
      // A refresh that helped (no report) ends the series: the next early expiry refreshes at once.
      clock.nowMs += 10;
      expect(await coordinator.refreshFrom(3, { evidence: 'positive' })).toEqual({ kind: 'refreshed', generation: 4 });
      expect(refreshCalls).toHaveLength(4);
    });
  });
});
