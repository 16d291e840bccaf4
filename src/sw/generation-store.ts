// The credential generation, persisted: it grows by one with each successful refresh and
// survives the worker being stopped, restarted or replaced, so that after a 401 the broker can
// tell whether the request went out before or after the latest refresh.

import { createStore, get, set, type UseStore } from 'idb-keyval';
import { boundedStore, STORAGE_TIMEOUT_MS } from './bounded-storage.ts';
import { brokerNames } from './broker-names.ts';
import { INITIAL_GENERATION, type CredentialGeneration, type GenerationStore } from './credential-generation.ts';

export { INITIAL_GENERATION, type CredentialGeneration, type GenerationStore } from './credential-generation.ts';

const KEY = 'credential-generation';

/**
 * The IndexedDB store every worker of the origin shares (a database of its own), its calls
 * bounded. Its users (the saved config, the generation) share this one bound, so that a hung
 * database is waited for once, not once per user.
 */
export function openBrokerDatabase(name: string = brokerNames('').database): UseStore {
  return boundedStore(createStore(name, 'state'));
}

/**
 * The generation in IndexedDB, every call bounded (bounded-storage.ts). Never rejects: when
 * IndexedDB fails or hangs, it answers with the last record this worker read or wrote, so that a
 * broken storage costs the broker its memory across restarts, never a refresh (the Web Lock still
 * keeps refreshes single across workers).
 */
export class IdbGenerationStore implements GenerationStore {
  readonly #store: UseStore;
  #lastKnown: CredentialGeneration = INITIAL_GENERATION;
  #warned = false;

  constructor(store: UseStore, options: { readonly timeoutMs?: number } = {}) {
    this.#store = boundedStore(store, options.timeoutMs ?? STORAGE_TIMEOUT_MS);
  }

  async read(): Promise<CredentialGeneration> {
    try {
      const value = await get<unknown>(KEY, this.#store);
      const stored = isGeneration(value) ? value : INITIAL_GENERATION;
      // A write of ours that IndexedDB lost must not take the generation back.
      if (stored.generation >= this.#lastKnown.generation) this.#lastKnown = stored;
    } catch (error) {
      this.#warnOnce(error);
    }
    return this.#lastKnown;
  }

  async write(value: CredentialGeneration): Promise<void> {
    this.#lastKnown = value;
    try {
      await set(KEY, value, this.#store);
    } catch (error) {
      this.#warnOnce(error);
    }
  }

  #warnOnce(error: unknown): void {
    if (this.#warned) return;
    this.#warned = true;
    // bounded-storage.ts rejects with a TokenBrokerError whose message names the failure only.
    console.warn(error instanceof Error ? error.message : error);
  }
}

export class MemoryGenerationStore implements GenerationStore {
  #value: CredentialGeneration = INITIAL_GENERATION;

  async read(): Promise<CredentialGeneration> {
    return this.#value;
  }

  async write(value: CredentialGeneration): Promise<void> {
    this.#value = value;
  }
}

function isGeneration(value: unknown): value is CredentialGeneration {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<keyof CredentialGeneration, unknown>;
  return typeof record.generation === 'number' && typeof record.refreshedAtMs === 'number' &&
    optional(record.failedAtMs, 'number') && optional(record.refusedCredentials, 'string') &&
    optional(record.unhelpfulRefreshes, 'number');
}

function optional(value: unknown, type: 'number' | 'string'): boolean {
  return value === undefined || typeof value === type;
}
