// The credential generation, persisted: it grows by one with each successful refresh and
// survives the worker being stopped, restarted or replaced, so that after a 401 the broker can
// tell whether the request went out before or after the latest refresh.

import { createStore, get, set, type UseStore } from 'idb-keyval';

export interface CredentialGeneration {
  readonly generation: number;
  /** Wall-clock time of the refresh that began this generation (0 for the first one). */
  readonly refreshedAtMs: number;
}

export interface GenerationStore {
  read(): Promise<CredentialGeneration>;
  write(value: CredentialGeneration): Promise<void>;
}

export const INITIAL_GENERATION: CredentialGeneration = Object.freeze({ generation: 0, refreshedAtMs: 0 });

const KEY = 'credential-generation';

/** The IndexedDB store every worker of the origin shares (a database of its own). */
export function openBrokerDatabase(): UseStore {
  return createStore('token-broker', 'state');
}

export class IdbGenerationStore implements GenerationStore {
  readonly #store: UseStore;

  constructor(store: UseStore) {
    this.#store = store;
  }

  async read(): Promise<CredentialGeneration> {
    const value = await get<unknown>(KEY, this.#store);
    return isGeneration(value) ? value : INITIAL_GENERATION;
  }

  async write(value: CredentialGeneration): Promise<void> {
    await set(KEY, value, this.#store);
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
  return typeof value === 'object' && value !== null &&
    typeof (value as CredentialGeneration).generation === 'number' &&
    typeof (value as CredentialGeneration).refreshedAtMs === 'number';
}
