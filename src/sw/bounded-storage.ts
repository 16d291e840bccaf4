// Every IndexedDB call the broker makes is bounded. IndexedDB can hang (a version upgrade blocked
// by another connection queues every later open behind it; a stuck transaction; a browser bug) or
// fail (storage pressure, private modes, a database of the same name without our store). The
// broker's persistence is an optimisation across restarts, never a reason to hold a request or
// stop a refresh: past the bound, the caller goes on from what it has in memory.

import type { IdbStore } from './idb-store.ts';
import { TokenBrokerError } from './errors.ts';

/**
 * How long one IndexedDB call may take before the broker goes on without it. Measured here (open
 * and get in a just-woken Chromium 156 worker, 8 samples on a shared 2-core machine): 1.4 to 7.7
 * ms, and 98 ms for the first open of the profile. One second is ten times the worst seen, so a
 * call that late is a hang, not a slow disk; it is short next to the default refresh timeout
 * (10 s); and a false timeout costs little: the config read from the network instead of storage,
 * or at worst one redundant refresh.
 */
export const STORAGE_TIMEOUT_MS = 1_000;

/**
 * `store`, with each call rejected after `timeoutMs`. While a call that missed its deadline is still
 * pending, later calls reject at once: a blocked open never ends, and paying the timeout again at
 * every call would only delay each refresh by it.
 */
export function boundedStore(store: IdbStore, timeoutMs: number = STORAGE_TIMEOUT_MS): IdbStore {
  let overdueCalls = 0;
  return <T>(mode: IDBTransactionMode, callback: (objectStore: IDBObjectStore) => T | PromiseLike<T>): Promise<T> => {
    if (overdueCalls > 0) return Promise.reject(new TokenBrokerError('storage-unavailable', { reason: 'an earlier call has not answered yet' }));
    let call: Promise<T>;
    try {
      // Where IndexedDB is missing or forbidden, opening it throws synchronously.
      call = store(mode, callback);
    } catch (error) {
      return Promise.reject(unavailable(error));
    }
    return new Promise<T>((resolve, reject) => {
      let overdue = false;
      const timer = setTimeout(() => {
        overdue = true;
        overdueCalls += 1;
        reject(new TokenBrokerError('storage-unavailable', { reason: `no answer within ${timeoutMs} ms` }));
      }, timeoutMs);
      call.then(resolve, (error: unknown) => reject(unavailable(error))).finally(() => {
        clearTimeout(timer);
        if (overdue) overdueCalls -= 1;
      });
    });
  };
}

/** One error for every way IndexedDB fails; its message names the failure, never a stored value. */
function unavailable(error: unknown): TokenBrokerError {
  if (error instanceof TokenBrokerError) return error;
  return new TokenBrokerError('storage-unavailable', { reason: error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error' });
}
