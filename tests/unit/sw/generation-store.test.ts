import type { UseStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { IdbGenerationStore, INITIAL_GENERATION } from '../../../src/sw/generation-store.ts';
import { RefreshCoordinator } from '../../../src/sw/refresh-coordinator.ts';
import { NoRefreshLock } from '../../../src/sw/refresh-lock.ts';

/** An IndexedDB whose open never completes (an upgrade blocked by another connection). */
const hangingDatabase: UseStore = () => new Promise(() => undefined);
/** A database of the right name without the broker's object store: every transaction throws. */
const failingDatabase: UseStore = () => Promise.reject(new DOMException('No objectStore named state', 'NotFoundError'));
/** Where IndexedDB is forbidden, opening it throws at once. */
const throwingDatabase: UseStore = () => {
  throw new DOMException('IndexedDB is not available', 'InvalidStateError');
};

/** Generous bound on "it answers": far above the store's own timeout, far below the test's. */
function within<T>(promise: Promise<T>, limitMs = 2_000): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`still pending after ${limitMs} ms`)), limitMs))]);
}

describe('IdbGenerationStore', () => {
  it('answers from memory when IndexedDB hangs: the initial generation, then the last one written', async () => {
    const store = new IdbGenerationStore(hangingDatabase, { timeoutMs: 50 });
    expect(await within(store.read())).toEqual(INITIAL_GENERATION);
    await within(store.write({ generation: 3, refreshedAtMs: 42 }));
    expect(await within(store.read())).toEqual({ generation: 3, refreshedAtMs: 42 });
  });

  it('answers from memory when IndexedDB fails or is missing, and never rejects', async () => {
    for (const database of [failingDatabase, throwingDatabase]) {
      const store = new IdbGenerationStore(database, { timeoutMs: 50 });
      expect(await within(store.read())).toEqual(INITIAL_GENERATION);
      await within(store.write({ generation: 1, refreshedAtMs: 7 }));
      expect(await within(store.read())).toEqual({ generation: 1, refreshedAtMs: 7 });
    }
  });

  it('never takes the generation back when IndexedDB lost a write of this worker', async () => {
    let stored: unknown;
    let failWrites = false;
    // Answers reads with what it holds; drops writes while failWrites is set.
    const flaky: UseStore = async (mode, callback) => {
      if (mode === 'readwrite' && failWrites) throw new DOMException('quota', 'QuotaExceededError');
      const transaction: { oncomplete?: () => void } = {};
      const objectStore = {
        transaction,
        get: () => {
          const request: { result: unknown; onsuccess?: () => void } = { result: stored };
          setTimeout(() => request.onsuccess?.());
          return request;
        },
        put: (value: unknown) => {
          stored = value;
          setTimeout(() => transaction.oncomplete?.());
        },
      };
      return callback(objectStore as unknown as IDBObjectStore);
    };
    const store = new IdbGenerationStore(flaky, { timeoutMs: 50 });
    await store.write({ generation: 1, refreshedAtMs: 1 });
    failWrites = true;
    await within(store.write({ generation: 2, refreshedAtMs: 2 }));
    expect(await within(store.read())).toEqual({ generation: 2, refreshedAtMs: 2 });
  });

  it('lets the refresh happen when the read under the lock fails, and keeps the new generation', async () => {
    for (const database of [failingDatabase, hangingDatabase]) {
      let refreshes = 0;
      const coordinator = new RefreshCoordinator({
        credentials: { refresh: async () => ((refreshes += 1), { kind: 'refreshed' }) },
        store: new IdbGenerationStore(database, { timeoutMs: 50 }),
        lock: new NoRefreshLock(),
        announce: () => undefined,
        refreshTimeoutMs: 1_000,
        cooldownMs: 100,
      });
      await within(coordinator.ready());
      expect(await within(coordinator.refreshFrom(0))).toEqual({ kind: 'refreshed', generation: 1 });
      expect(refreshes).toBe(1);
      expect(coordinator.generation).toBe(1);
    }
  });
});

describe('IdbGenerationStore, bearer mode\'s secret', () => {
  /** A database that holds one value, as IndexedDB gave it back. */
  function holding(value: unknown): UseStore {
    return async (_mode, callback) => callback({
      transaction: {},
      get: () => {
        const request: { result: unknown; onsuccess?: () => void } = { result: value };
        setTimeout(() => request.onsuccess?.());
        return request;
      },
    } as unknown as IDBObjectStore);
  }
  const secret = {
    accessToken: 'at', refreshToken: 'rt', receivedAtMs: 1, expiresAtMs: 2, grantParams: [['client_id', 'spa']],
    credentials: 'same-origin', placeholderSeed: 'seed', answerFields: { token_type: 'Bearer' },
  };

  it('reads the secret back with its generation, and drops a damaged secret but keeps the generation', async () => {
    expect(await new IdbGenerationStore(holding({ generation: 4, refreshedAtMs: 9, secret })).read()).toEqual({ generation: 4, refreshedAtMs: 9, secret });
    for (const damaged of [{ ...secret, accessToken: 7 }, { ...secret, grantParams: [['client_id']] }, { ...secret, credentials: 'always' }, 'text']) {
      expect(await new IdbGenerationStore(holding({ generation: 4, refreshedAtMs: 9, secret: damaged })).read()).toEqual({ generation: 4, refreshedAtMs: 9 });
    }
  });
});
