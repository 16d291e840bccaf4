import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/sw/config.ts';
import { MemoryGenerationStore } from '../../../src/sw/generation-store.ts';
import { RefreshCoordinator } from '../../../src/sw/refresh-coordinator.ts';
import { refreshedGeneration } from '../../../src/sw/tab-messages.ts';
import { NoRefreshLock } from '../../../src/sw/refresh-lock.ts';
import { delay, FakeBackend, FakeLocks, FakeTabBus, ORIGIN } from './fake-origin.ts';

// workbox-routing, which install-token-broker.ts imports, reads the worker's `self` when loaded.
(globalThis as { self?: unknown }).self ??= globalThis;
const { createTokenBroker } = await import('../../../src/sw/install-token-broker.ts');

// A cooldown short enough to wait out: the rule for a 401 right after a refresh is another test's.
const COOLDOWN_MS = 5;
const config = resolveConfig({ preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' }, cooldownMs: COOLDOWN_MS }, ORIGIN);

/** Two workers of one origin (an update in progress, two scopes): shared jar, store, locks and channel; nothing else. */
function twoWorkers() {
  const backend = new FakeBackend();
  backend.logIn();
  const store = new MemoryGenerationStore();
  const locks = new FakeLocks();
  const bus = new FakeTabBus();
  const worker = () => createTokenBroker(config, {
    store, cookies: backend.cookies, locks: locks.asLockManager(), tabChannel: bus.open(), fetch: backend.fetch,
  });
  return { backend, bus, first: worker(), second: worker() };
}

function burst(broker: ReturnType<typeof createTokenBroker>, count: number): Promise<number[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => broker.handle(new Request(`${ORIGIN}/api/items/${i}`)).then((r) => r.status)));
}

describe('two live workers', () => {
  it('a worker that did not make the last refresh refreshes at the next expiry, instead of replaying into the same 401', async () => {
    const { backend, first, second } = twoWorkers();
    // Both have brokered a request: both hold the generation in memory.
    expect([...await burst(first, 1), ...await burst(second, 1)]).toEqual([200, 200]);

    backend.expireAccessTokens();
    expect(await burst(first, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(backend.counts.refreshRequests).toBe(1);

    await delay(COOLDOWN_MS * 4);
    backend.expireAccessTokens();
    const secondStatuses = await burst(second, 5);
    expect(secondStatuses).toEqual([200, 200, 200, 200, 200]);
    expect(backend.counts.refreshRequests).toBe(2);

    await delay(COOLDOWN_MS * 4);
    backend.expireAccessTokens();
    expect(await burst(first, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(backend.counts.refreshRequests).toBe(3);
    expect(backend.counts.refreshSucceeded).toBe(3);
    expect(backend.counts.reuseDetected).toBe(0);
  });

  it('both workers hitting one expiry together still make one refresh, and every request succeeds', async () => {
    const { backend, first, second } = twoWorkers();
    expect([...await burst(first, 1), ...await burst(second, 1)]).toEqual([200, 200]);
    backend.expireAccessTokens();
    const statuses = (await Promise.all([burst(first, 5), burst(second, 5)])).flat();
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(backend.counts.refreshRequests).toBe(1);
    expect(backend.counts.reuseDetected).toBe(0);
  });
});

describe('RefreshCoordinator.learnOf', () => {
  function coordinatorOver(store: MemoryGenerationStore) {
    let refreshes = 0;
    const coordinator = new RefreshCoordinator({
      credentials: { refresh: async () => { refreshes += 1; return { kind: 'refreshed' }; } },
      store,
      lock: new NoRefreshLock(),
      announce: () => undefined,
      refreshTimeoutMs: 1_000,
      cooldownMs: 1_000,
      now: () => 50_000,
    });
    return { coordinator, refreshes: () => refreshes };
  }

  it('adopts what the store says when it hears of a newer generation, cooldown included', async () => {
    const store = new MemoryGenerationStore();
    const { coordinator, refreshes } = coordinatorOver(store);
    await coordinator.ready();
    await store.write({ generation: 3, refreshedAtMs: 49_500 });
    await coordinator.learnOf(3);
    expect(coordinator.generation).toBe(3);
    // Stamped with the heard generation and answered 401 within the cooldown of that refresh.
    expect(await coordinator.refreshFrom(3)).toEqual({ kind: 'not-expiry' });
    expect(refreshes()).toBe(0);
  });

  it('takes the heard generation when the store is behind it (its write failed), and never goes back', async () => {
    const store = new MemoryGenerationStore();
    const { coordinator } = coordinatorOver(store);
    await coordinator.learnOf(2);
    expect(coordinator.generation).toBe(2);
    await coordinator.learnOf(1);
    expect(coordinator.generation).toBe(2);
  });
});

describe('refreshedGeneration', () => {
  it("reads only a 'refreshed' message with a positive whole generation", () => {
    expect(refreshedGeneration({ type: 'refreshed', generation: 4 })).toBe(4);
    for (const message of [null, 'refreshed', { type: 'refreshed' }, { type: 'refreshed', generation: '4' }, { type: 'refreshed', generation: 1.5 },
      { type: 'refreshed', generation: 0 }, { type: 'session-expired' }, { type: 'refresh-failed', reason: 'x', generation: 3 }]) {
      expect(refreshedGeneration(message)).toBeUndefined();
    }
  });
});
