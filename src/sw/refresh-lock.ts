// Mutual exclusion across workers of one origin (an updated worker beside the old one, a
// restarted one): the refresh runs inside a Web Lock. The browser releases a lock when its
// holder dies, and the broker never holds it across anything unbounded.

export interface RefreshLock {
  /** Runs `task` holding the lock; rejects if `signal` aborts while waiting for it. */
  run<T>(signal: AbortSignal, task: () => Promise<T>): Promise<T>;
}

/** The lock of the scope "/" (broker-names.ts: other scopes get their own). */
export const REFRESH_LOCK_NAME = 'token-broker-refresh';

export class WebRefreshLock implements RefreshLock {
  readonly #locks: LockManager;
  readonly #name: string;

  constructor(locks: LockManager, name: string = REFRESH_LOCK_NAME) {
    this.#locks = locks;
    this.#name = name;
  }

  run<T>(signal: AbortSignal, task: () => Promise<T>): Promise<T> {
    return this.#locks.request(this.#name, { signal }, task) as Promise<T>;
  }
}

/** Where Web Locks are missing, the in-worker single flight is all there is. */
export class NoRefreshLock implements RefreshLock {
  run<T>(_signal: AbortSignal, task: () => Promise<T>): Promise<T> {
    return task();
  }
}
