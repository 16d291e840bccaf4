import { describe, expect, it } from 'vitest';
import { type CredentialGeneration, type GenerationStore, MemoryGenerationStore } from '../../../src/sw/generation-store.ts';
import { PrefetchedGenerationStore } from '../../../src/sw/prefetched-generation.ts';

class CountingStore implements GenerationStore {
  reads = 0;
  readonly #inner = new MemoryGenerationStore();

  read(): Promise<CredentialGeneration> {
    this.reads += 1;
    return this.#inner.read();
  }

  write(value: CredentialGeneration): Promise<void> {
    return this.#inner.write(value);
  }
}

describe('PrefetchedGenerationStore: the generation read starts with the worker, not after the config', () => {
  it('reads once at construction, and the first read() takes that read without reading again', async () => {
    const store = new CountingStore();
    await store.write({ generation: 4, refreshedAtMs: 1 });
    const prefetched = new PrefetchedGenerationStore(store);
    expect(store.reads).toBe(1);
    expect(await prefetched.read()).toEqual({ generation: 4, refreshedAtMs: 1 });
    expect(store.reads).toBe(1);
  });

  it('reads anew for every later read(): the read under the refresh lock is always fresh', async () => {
    const store = new CountingStore();
    const prefetched = new PrefetchedGenerationStore(store);
    await prefetched.read();
    await store.write({ generation: 7, refreshedAtMs: 2 });
    expect(await prefetched.read()).toEqual({ generation: 7, refreshedAtMs: 2 });
    expect(store.reads).toBe(2);
  });

  it('never hands out a read made before a write', async () => {
    const store = new CountingStore();
    const prefetched = new PrefetchedGenerationStore(store);
    await prefetched.write({ generation: 1, refreshedAtMs: 3 });
    expect(await prefetched.read()).toEqual({ generation: 1, refreshedAtMs: 3 });
  });

  it('a failed prefetch is no unhandled rejection, and reaches whoever reads first', async () => {
    const failing: GenerationStore = { read: () => Promise.reject(new Error('storage failed')), write: async () => undefined };
    const prefetched = new PrefetchedGenerationStore(failing);
    await new Promise((resolve) => setTimeout(resolve, 0));
    await expect(prefetched.read()).rejects.toThrow('storage failed');
  });
});
