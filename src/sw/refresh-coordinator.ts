// Where the refresh is decided. One refresh per credential generation, however many requests
// and tabs hit a 401: a single in-flight promise inside this worker, a Web Lock across workers,
// and the persisted generation re-read under the lock so that a refresh another worker already
// made is never made again. A failed refresh is never retried here: with rotating refresh tokens
// a retry after a lost answer spends the same token twice.

import { untilAborted } from './abortable.ts';
import type { CredentialSource } from './credential-source.ts';
import { INITIAL_GENERATION, type CredentialGeneration, type GenerationStore } from './generation-store.ts';
import type { RefreshLock } from './refresh-lock.ts';
import type { TabAnnouncer } from './tab-messages.ts';

export type RefreshOutcome =
  /** Credentials newer than the stamped ones exist: replay. */
  | { readonly kind: 'refreshed'; readonly generation: number }
  /** The server ended the session: give the page its 401. */
  | { readonly kind: 'session-expired' }
  /** No new credentials (5xx, network, timeout, or a recent failure): give the page its 401. */
  | { readonly kind: 'failed'; readonly reason: string }
  /** A 401 right after a refresh is not about expiry (permissions, CSRF): give the page its 401. */
  | { readonly kind: 'not-expiry' };

export interface RefreshCoordinatorOptions {
  readonly credentials: Pick<CredentialSource, 'refresh'>;
  readonly store: GenerationStore;
  readonly lock: RefreshLock;
  readonly announce: TabAnnouncer;
  readonly refreshTimeoutMs: number;
  readonly cooldownMs: number;
  /** Wall clock in ms; shared across workers through the store, so not a monotonic clock. */
  readonly now?: () => number;
}

interface InFlightRefresh {
  readonly fromGeneration: number;
  readonly outcome: Promise<RefreshOutcome>;
}

export class RefreshCoordinator {
  readonly #options: RefreshCoordinatorOptions;
  readonly #now: () => number;
  #current: CredentialGeneration = INITIAL_GENERATION;
  #inFlight: InFlightRefresh | undefined;
  #lastFailureAtMs = Number.NEGATIVE_INFINITY;
  #loaded: Promise<void> | undefined;

  constructor(options: RefreshCoordinatorOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Resolves once the persisted generation is loaded: await it before stamping a request. */
  ready(): Promise<void> {
    this.#loaded ??= this.#options.store.read().then(
      (stored) => this.#adopt(stored),
      // Without IndexedDB the generation starts from memory; the lock still keeps refreshes single.
      () => undefined,
    );
    return this.#loaded;
  }

  /** The generation a request stamped now carries. */
  get generation(): number {
    return this.#current.generation;
  }

  /** True while a refresh is in flight in this worker: requests wait for idle() before stamping. */
  get refreshing(): boolean {
    return this.#inFlight !== undefined;
  }

  /** Resolves once no refresh is in flight in this worker; never rejects. */
  async idle(): Promise<void> {
    while (this.#inFlight) await this.#inFlight.outcome;
  }

  /**
   * Another worker of the origin refreshed (heard on the tab channel): adopt its generation now.
   * Its new cookies are already in the jar this worker stamps from, so a request stamped from now
   * on carries that generation's credentials and must say so. A worker that kept its old number
   * would, at the next expiry, find the newer one in the store, take it for "refreshed since my
   * request left", and replay into the same 401 without refreshing. The number heard only
   * prompts a read of the store, which workers alone write; the heard number is used only if
   * the store is behind it (its write failed).
   */
  async learnOf(generation: number): Promise<void> {
    if (generation <= this.#current.generation) return;
    const stored = await this.#options.store.read().catch(() => INITIAL_GENERATION);
    this.#adopt(stored.generation >= generation ? stored : { generation, refreshedAtMs: this.#now() });
  }

  /**
   * Credentials of `stampedGeneration` are expired (a 401 said so, or their expiry is near): refresh once.
   * `via` sends the refresh if this call is the one that must send it; a call that joins a
   * refresh in flight, or finds one already made, never sends (the page's own refresh call
   * passes its request here: page-refresh-call.ts). `despiteRecentFailure`: the pause after a
   * failed refresh is for storms of 401s; the page's own call is one deliberate call (its
   * repeats join it), and may succeed with its own headers where the broker's refresh failed.
   */
  refreshFrom(
    stampedGeneration: number,
    via: Pick<CredentialSource, 'refresh'> = this.#options.credentials,
    { despiteRecentFailure = false }: { readonly despiteRecentFailure?: boolean } = {},
  ): Promise<RefreshOutcome> {
    if (this.#current.generation > stampedGeneration) {
      return Promise.resolve({ kind: 'refreshed', generation: this.#current.generation });
    }
    if (this.#inFlight?.fromGeneration === stampedGeneration) return this.#inFlight.outcome;

    const now = this.#now();
    if (this.#current.refreshedAtMs > 0 && now - this.#current.refreshedAtMs < this.#options.cooldownMs) {
      return Promise.resolve({ kind: 'not-expiry' });
    }
    if (!despiteRecentFailure && now - this.#lastFailureAtMs < this.#options.cooldownMs) {
      return Promise.resolve({ kind: 'failed', reason: 'cooldown after a failed refresh' });
    }

    const inFlight: InFlightRefresh = { fromGeneration: stampedGeneration, outcome: this.#refresh(stampedGeneration, via) };
    this.#inFlight = inFlight;
    void inFlight.outcome.finally(() => {
      // Only clear it if it is still ours: a later refresh may have replaced it.
      if (this.#inFlight === inFlight) this.#inFlight = undefined;
    });
    return inFlight.outcome;
  }

  async #refresh(fromGeneration: number, credentials: Pick<CredentialSource, 'refresh'>): Promise<RefreshOutcome> {
    const { lock, store, refreshTimeoutMs } = this.#options;
    // One deadline for the whole refresh, the wait for the lock included: nothing the page
    // waits for may outlive it.
    const deadline = AbortSignal.timeout(refreshTimeoutMs);
    let outcome: RefreshOutcome;
    try {
      outcome = await untilAborted(deadline, lock.run(deadline, async (): Promise<RefreshOutcome> => {
        const latest = await store.read();
        if (latest.generation > fromGeneration) {
          // Another worker refreshed while this one waited for the lock.
          this.#adopt(latest);
          return { kind: 'refreshed', generation: latest.generation };
        }
        const result = await credentials.refresh(deadline);
        if (result.kind === 'refused') return { kind: 'session-expired' };
        if (result.kind === 'failed') return { kind: 'failed', reason: result.reason };
        const next = { generation: latest.generation + 1, refreshedAtMs: this.#now() };
        this.#adopt(next);
        await store.write(next).catch(() => {
          // The refresh happened: keep the new generation in memory even if IndexedDB fails.
        });
        this.#options.announce({ type: 'refreshed', generation: next.generation });
        return { kind: 'refreshed', generation: next.generation };
      }));
    } catch {
      outcome = { kind: 'failed', reason: deadline.aborted ? 'timeout' : 'error' };
    }

    if (outcome.kind === 'session-expired') {
      this.#lastFailureAtMs = this.#now();
      this.#options.announce({ type: 'session-expired' });
    } else if (outcome.kind === 'failed') {
      this.#lastFailureAtMs = this.#now();
      this.#options.announce({ type: 'refresh-failed', reason: outcome.reason });
    }
    return outcome;
  }

  #adopt(generation: CredentialGeneration): void {
    if (generation.generation > this.#current.generation) this.#current = generation;
  }
}
