import { describe, expect, it } from 'vitest';
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

function setup(overrides: Partial<RefreshCoordinatorOptions> & { answer?: () => Promise<RefreshResult> } = {}) {
  const clock = { nowMs: 1_000_000 };
  const messages: TabMessage[] = [];
  const refreshCalls: AbortSignal[] = [];
  const answer = overrides.answer ?? (async (): Promise<RefreshResult> => ({ kind: 'refreshed' }));
  const store = overrides.store ?? new MemoryGenerationStore();
  const coordinator = new RefreshCoordinator({
    credentials: {
      refresh: (signal) => {
        refreshCalls.push(signal);
        return answer();
      },
    },
    store,
    lock: new NoRefreshLock(),
    announce: (message) => messages.push(message),
    refreshTimeoutMs: 200,
    cooldownMs: 1_000,
    now: () => clock.nowMs,
    ...overrides,
  });
  return { coordinator, clock, messages, refreshCalls, store };
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
    expect(await store.read()).toEqual({ generation: 1, refreshedAtMs: 1_000_000 });
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
    expect(await coordinator.refreshFrom(0)).toEqual({ kind: 'failed', reason: 'cooldown after a failed refresh' });
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

  it('gives up on a refresh that does not answer within the timeout, aborting its request', async () => {
    const { coordinator, refreshCalls, messages } = setup({
      answer: () => new Promise<RefreshResult>(() => undefined),
    });
    const waiting = Array.from({ length: 5 }, () => coordinator.refreshFrom(0));
    expect(await Promise.all(waiting)).toEqual(Array(5).fill({ kind: 'failed', reason: 'timeout' }));
    expect(refreshCalls[0]?.aborted).toBe(true);
    expect(messages).toEqual([{ type: 'refresh-failed', reason: 'timeout' }]);
    await coordinator.idle();
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
    await Promise.resolve();
    expect(idle).toBe(false);
    finish({ kind: 'failed', reason: 'status 500' });
    await Promise.all([refreshing, waiting]);
    expect(idle).toBe(true);
  });
});
