// The credential generation, persisted: it grows by one with each successful refresh and
// survives the worker being stopped, restarted or replaced, so that after a 401 the broker can
// tell whether the request went out before or after the latest refresh.

import { createStore, get, set } from 'idb-keyval';
import type { IdbStore } from './idb-store.ts';
import { boundedStore, STORAGE_TIMEOUT_MS } from './bounded-storage.ts';
import { brokerLog, lineOf } from './broker-log.ts';
import { brokerNames } from './broker-names.ts';
import { INITIAL_GENERATION, type CredentialGeneration, type GenerationStore } from './credential-generation.ts';
import { isVaultSecret } from './vault-secret.ts';

export { INITIAL_GENERATION, type CredentialGeneration, type GenerationStore } from './credential-generation.ts';

const KEY = 'credential-generation';

/**
 * The IndexedDB store every worker of the origin shares (a database of its own), its calls
 * bounded. Its users (the saved config, the generation) share this one bound, so that a hung
 * database is waited for once, not once per user.
 */
export function openBrokerDatabase(name: string = brokerNames('').database): IdbStore {
  return boundedStore(createStore(name, 'state'));
}

/**
 * The generation in IndexedDB, every call bounded (bounded-storage.ts). Never rejects: when
 * IndexedDB fails or hangs, it answers with the last record this worker read or wrote, so that a
 * broken storage costs the broker its memory across restarts, never a refresh (the Web Lock still
 * keeps refreshes single across workers).
 */
export class IdbGenerationStore implements GenerationStore {
  readonly #store: IdbStore;
  #lastKnown: CredentialGeneration = INITIAL_GENERATION;
  #warned = false;

  constructor(store: IdbStore, options: { readonly timeoutMs?: number } = {}) {
    this.#store = boundedStore(store, options.timeoutMs ?? STORAGE_TIMEOUT_MS);
  }

  async read(): Promise<CredentialGeneration> {
    try {
      const value = await get<unknown>(KEY, this.#store);
      const stored = isGeneration(value) ? withUsableSecret(value) : INITIAL_GENERATION;
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
    brokerLog.warn(lineOf(error));
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
    optional(record.failedAtMs, 'number') && optional(record.refusedCredentials, 'string') && optional(record.failedCredentials, 'string') &&
    optional(record.unhelpfulRefreshes, 'number') && optional(record.refreshSentAtMs, 'number') &&
    optional(record.lifetimeMs, 'number');
}

/** A secret that does not read back as written (another version's shape, a damaged record) is
 * dropped, not the record: the generation still counts, and the session ends as a refused one would. */
function withUsableSecret(record: CredentialGeneration): CredentialGeneration {
  if (record.secret === undefined || isVaultSecret(record.secret)) return record;
  const { secret: _unusable, ...rest } = record;
  return rest;
}

function optional(value: unknown, type: 'number' | 'string'): boolean {
  return value === undefined || typeof value === type;
}
