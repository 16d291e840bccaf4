// Cold start: when the browser starts a stopped worker for an API request, the broker used to read
// its saved config from IndexedDB, build itself, and only then read the credential generation: two
// round trips to IndexedDB, one after the other, before the request could be stamped. The
// generation does not depend on the config, so its read starts as the worker's script runs, beside
// the config's, and the broker's first read() takes it.
//
// Why a read started before the request is as good as one started after it: the generation a
// request is stamped with only matters once its answer is a 401, and every decision to refresh
// re-reads the store under the Web Lock (refresh-coordinator.ts), and every refresh another worker
// makes is heard on the tab channel. The read made at start only saves the wait.

import type { CredentialGeneration, GenerationStore } from './generation-store.ts';

export class PrefetchedGenerationStore implements GenerationStore {
  readonly #store: GenerationStore;
  #prefetched: Promise<CredentialGeneration> | undefined;

  /** Starts a read of `store` now; the first read() gets it, every later one reads anew. */
  constructor(store: GenerationStore) {
    this.#store = store;
    this.#prefetched = store.read();
    // Nobody may ever ask (a worker started for its install): never an unhandled rejection.
    this.#prefetched.catch(() => undefined);
  }

  read(): Promise<CredentialGeneration> {
    const prefetched = this.#prefetched;
    this.#prefetched = undefined;
    return prefetched ?? this.#store.read();
  }

  write(value: CredentialGeneration): Promise<void> {
    // A read still pending from before this write must not be taken for the current value.
    this.#prefetched = undefined;
    return this.#store.write(value);
  }
}
