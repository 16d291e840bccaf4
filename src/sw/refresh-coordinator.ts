// Where the refresh is decided. One refresh per credential generation, however many requests
// and tabs hit a 401: a single in-flight promise inside this worker, a Web Lock across workers,
// and the persisted generation re-read under the lock so that a refresh another worker already
// made is never made again. A failed refresh is never retried here: with rotating refresh tokens
// a retry after a lost answer spends the same token twice.
//
// Two clocks bound a refresh. The requests waiting for it get their 401 at refreshTimeoutMs, as
// promised; but the refresh request itself is not aborted then: the server may already have
// rotated the token, and throwing its answer away would make the next refresh a reuse, which ends
// the session at a server with reuse detection. It runs on under the lock, and a late success is
// kept; no second refresh starts meanwhile. It is bounded by maxRefreshMs, so a lock is never
// held forever. Outcomes that must outlive this worker (a failure's time, a refusal, the backoff)
// are written into the generation record, under the lock; when a refresh may start is decided in
// refresh-policy.ts.

import { untilAborted } from './abortable.ts';
import type { CredentialSource, RefreshResult } from './credential-source.ts';
import { INITIAL_GENERATION, type CredentialGeneration, type GenerationStore } from './credential-generation.ts';
import type { LifetimeLearner } from './lifetime-learner.ts';
import type { RefreshLock } from './refresh-lock.ts';
import {
  inFailureCooldown, refreshHold, unhelpfulRefreshesAfter, workerClockMs, type ExpiryEvidence,
} from './refresh-policy.ts';
import type { TabAnnouncer } from './tab-messages.ts';
import type { VaultSecret } from './vault-secret.ts';

export type RefreshOutcome =
  /** Credentials newer than the stamped ones exist: replay. */
  | { readonly kind: 'refreshed'; readonly generation: number }
  /** The server ended the session: give the page its 401. */
  | { readonly kind: 'session-expired' }
  /** No new credentials (5xx, network, timeout, a recent failure, a backoff): give the page its 401. */
  | { readonly kind: 'failed'; readonly reason: string }
  /** A 401 right after a refresh is not about expiry (permissions, CSRF): give the page its 401. */
  | { readonly kind: 'not-expiry' };

export interface RefreshCoordinatorOptions {
  /** Without `fingerprint`, a refusal is remembered by its time only, as any failure. */
  readonly credentials: Pick<CredentialSource, 'refresh'> & Partial<Pick<CredentialSource, 'fingerprint'>>;
  readonly store: GenerationStore;
  readonly lock: RefreshLock;
  readonly announce: TabAnnouncer;
  /** How long requests wait for a refresh (the lock included) before they get their 401. */
  readonly refreshTimeoutMs: number;
  readonly cooldownMs: number;
  /** How long the refresh request itself may run under the lock. @default max(MAX_REFRESH_MS, refreshTimeoutMs) */
  readonly maxRefreshMs?: number;
  /** Clock in ms since the epoch, for the times in the shared record. @default workerClockMs (cannot step back) */
  readonly now?: () => number;
  /** What was learned of the credentials' lifetime, recorded with each new generation (on the same clock). */
  readonly lifetime?: Pick<LifetimeLearner, 'lifetimeToRecord'>;
}

/**
 * The hard cap on one refresh request, past the waiting requests' timeout. A minute: far longer
 * than any refresh answer a server that already committed it would take (seen here: milliseconds;
 * slow ones seconds), short enough that other workers' refreshes wait at most that for the lock.
 * The demo server holds a "hanging" refresh for as long.
 */
export const MAX_REFRESH_MS = 60_000;

/** Whoever sends the refresh request: the credential source, or the page's own refresh call. */
type RefreshSender = Pick<CredentialSource, 'refresh'>;

export interface RefreshRequestOptions {
  /** How sure it is that the credentials expired: see refresh-policy.ts. @default 'presumed' */
  readonly evidence?: ExpiryEvidence;
  /** Sends the refresh if this call must send it. @default the credential source */
  readonly via?: RefreshSender;
  /** Start one even within the cooldown after a failure (the page's own deliberate call). @default false */
  readonly despiteRecentFailure?: boolean;
}

interface InFlightRefresh {
  readonly fromGeneration: number;
  readonly outcome: Promise<RefreshOutcome>;
}

/** Shared by the waiting requests' side and the refresh's side: who told the tabs of a failure. */
interface FailureNotice {
  announced: boolean;
}

export class RefreshCoordinator {
  readonly #options: RefreshCoordinatorOptions;
  readonly #now: () => number;
  readonly #maxRefreshMs: number;
  #current: CredentialGeneration = INITIAL_GENERATION;
  /** What requests wait for: settles by refreshTimeoutMs. */
  #inFlight: InFlightRefresh | undefined;
  /** The refresh itself (lock, request, record): may run on after #inFlight settled, up to #maxRefreshMs. */
  #running: Promise<RefreshOutcome> | undefined;
  /** The generation whose refresh this worker saw not help. */
  #unhelpfulGeneration: number | undefined;
  #loaded: Promise<void> | undefined;

  constructor(options: RefreshCoordinatorOptions) {
    this.#options = options;
    this.#now = options.now ?? workerClockMs;
    this.#maxRefreshMs = options.maxRefreshMs ?? Math.max(MAX_REFRESH_MS, options.refreshTimeoutMs);
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

  /** The latest generation record this worker knows: when it began, what was learned
   * (lifetime-learner.ts), bearer mode's tokens. */
  get record(): CredentialGeneration {
    return this.#current;
  }

  /**
   * A session began (the page's login: `secret`) or ended (a logout: undefined) outside a
   * refresh: the tokens are written with a new generation, under the lock, so that a request
   * stamped before it and answered 401 is replayed, never refreshed for. Announced only when it
   * began: other workers then adopt it as they adopt a refresh. Resolves with the new generation.
   */
  async recordSession(secret: VaultSecret | undefined): Promise<number> {
    await this.ready();
    const { lock, store } = this.#options;
    return lock.run(AbortSignal.timeout(this.#options.refreshTimeoutMs), async () => {
      const latest = await store.read().catch(() => this.#current);
      const generation = Math.max(latest.generation, this.#current.generation) + 1;
      await this.#write({ generation, refreshedAtMs: this.#now(), ...(secret ? { secret } : {}) });
      if (secret) this.#options.announce({ type: 'refreshed', generation });
      return generation;
    });
  }

  /** True while requests wait for a refresh in this worker: new ones wait for idle() before stamping. */
  get refreshing(): boolean {
    return this.#inFlight !== undefined;
  }

  /** Resolves once no request waits for a refresh in this worker (at most refreshTimeoutMs); never rejects. */
  async idle(): Promise<void> {
    while (this.#inFlight) await this.#inFlight.outcome;
  }

  /**
   * While a refresh runs in this worker: resolves when it has ended (within maxRefreshMs); never
   * rejects. A browser stops a worker that has no event left (Chromium: 30 s idle), and with it a
   * refresh that outlived the requests waiting for it: hand this to event.waitUntil.
   */
  refreshEnded(): Promise<void> | undefined {
    return this.#running?.then(() => undefined, () => undefined);
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
   * Credentials of `stampedGeneration` are expired (a 401 said so, or their expiry is near): refresh
   * once. `evidence` says how sure that is (see refresh-policy.ts). `via` sends the refresh if this
   * call is the one that must send it; a call that joins a refresh in flight, or finds one already
   * made, never sends (the page's own refresh call passes its request here: page-refresh-call.ts).
   * `despiteRecentFailure`: the pause after a failed refresh is for storms of 401s; the page's own
   * call is one deliberate call (its repeats join it), and may succeed with its own headers where
   * the broker's refresh failed.
   */
  refreshFrom(stampedGeneration: number, options: RefreshRequestOptions = {}): Promise<RefreshOutcome> {
    const { evidence = 'presumed', via = this.#options.credentials, despiteRecentFailure = false } = options;
    if (this.#current.generation > stampedGeneration) {
      return Promise.resolve({ kind: 'refreshed', generation: this.#current.generation });
    }
    if (this.#inFlight?.fromGeneration === stampedGeneration) return this.#inFlight.outcome;
    if (this.#running) return this.#waitForRunning(this.#running);

    const held = this.#hold(evidence, despiteRecentFailure);
    if (held) return Promise.resolve(held);

    const inFlight: InFlightRefresh = { fromGeneration: stampedGeneration, outcome: this.#refresh(stampedGeneration, via, despiteRecentFailure) };
    this.#inFlight = inFlight;
    void inFlight.outcome.finally(() => {
      // Only clear it if it is still ours: a later refresh may have replaced it.
      if (this.#inFlight === inFlight) this.#inFlight = undefined;
    });
    return inFlight.outcome;
  }

  /** A replay stamped with `generation`, made after its refresh, still met an expired answer: back off. */
  refreshDidNotHelp(generation: number): void {
    if (generation === this.#current.generation) this.#unhelpfulGeneration = generation;
  }

  #hold(evidence: ExpiryEvidence, despiteRecentFailure: boolean): RefreshOutcome | undefined {
    const hold = refreshHold(this.#current, {
      nowMs: this.#now(),
      cooldownMs: this.#options.cooldownMs,
      evidence,
      latestDidNotHelp: this.#unhelpfulGeneration === this.#current.generation,
    });
    switch (hold) {
      case undefined: return undefined;
      case 'not-expiry': return { kind: 'not-expiry' };
      case 'backoff': return { kind: 'failed', reason: 'backoff after a refresh that did not help' };
      case 'cooldown': return despiteRecentFailure ? undefined : { kind: 'failed', reason: 'cooldown after a failed refresh' };
      // Decided under the lock, where the credentials are read (#run): the 401s of a storm join
      // that one check as they would join a refresh.
      case 'cooldown-unless-new-credentials': return undefined;
    }
  }

  /** The waiting requests' side: the refresh's outcome, or a failure at refreshTimeoutMs. */
  async #refresh(fromGeneration: number, via: RefreshSender, despiteRecentFailure: boolean): Promise<RefreshOutcome> {
    // One deadline for the wait, the lock included: nothing the page waits for may outlive it.
    const deadline = AbortSignal.timeout(this.#options.refreshTimeoutMs);
    const notice: FailureNotice = { announced: false };
    const running = this.#run(fromGeneration, deadline, notice, via, despiteRecentFailure);
    this.#running = running;
    const settled = () => {
      if (this.#running === running) this.#running = undefined;
    };
    running.then(settled, settled);
    try {
      return await untilAborted(deadline, running);
    } catch {
      const reason = deadline.aborted ? 'timeout' : 'error';
      if (!notice.announced) {
        notice.announced = true;
        this.#options.announce({ type: 'refresh-failed', reason });
      }
      return { kind: 'failed', reason };
    }
  }

  /** A 401 that comes while a refresh runs on past its timeout waits for it, as long as a request may wait. */
  async #waitForRunning(running: Promise<RefreshOutcome>): Promise<RefreshOutcome> {
    try {
      return await untilAborted(AbortSignal.timeout(this.#options.refreshTimeoutMs), running);
    } catch {
      return { kind: 'failed', reason: 'timeout' };
    }
  }

  /** The refresh's side: gives up only while waiting for the lock; once it holds it, runs to the end, bounded by maxRefreshMs. */
  async #run(
    fromGeneration: number, lockDeadline: AbortSignal, notice: FailureNotice, via: RefreshSender, despiteRecentFailure: boolean,
  ): Promise<RefreshOutcome> {
    const { lock, store, credentials } = this.#options;
    if (await this.#refusedStill(this.#current)) return { kind: 'session-expired' };
    return lock.run(lockDeadline, async (): Promise<RefreshOutcome> => {
      const latest = await store.read();
      this.#adopt(latest);
      // Another worker refreshed while this one waited for the lock.
      if (latest.generation > fromGeneration) return { kind: 'refreshed', generation: latest.generation };
      const fingerprint = await credentials.fingerprint?.();
      // Another worker's outcome, read under the lock: its refusal of these same credentials, or its recent failure.
      if (latest.refusedCredentials !== undefined && latest.refusedCredentials === fingerprint) return { kind: 'session-expired' };
      if (!despiteRecentFailure && inFailureCooldown(latest, this.#now(), this.#options.cooldownMs, fingerprint)) {
        return { kind: 'failed', reason: 'cooldown after a failed refresh' };
      }
      // The new credentials are issued after this (lifetime-learner.ts).
      const sentAtMs = this.#now();
      const result = await via.refresh(AbortSignal.timeout(this.#maxRefreshMs));
      if (result.kind === 'refreshed') return this.#recordSuccess(latest, sentAtMs, result.secret);
      return this.#recordFailure(latest, result, fingerprint, notice);
    });
  }

  /** True if the server refused these very credentials: only a new login may refresh again. */
  async #refusedStill(record: CredentialGeneration): Promise<boolean> {
    if (record.refusedCredentials === undefined) return false;
    return (await this.#options.credentials.fingerprint?.()) === record.refusedCredentials;
  }

  /** `secret`: bearer mode's rotated tokens, in the same record (one transaction) as the generation they begin. */
  async #recordSuccess(latest: CredentialGeneration, sentAtMs: number, secret: VaultSecret | undefined): Promise<RefreshOutcome> {
    const unhelpfulRefreshes = unhelpfulRefreshesAfter(latest, this.#unhelpfulGeneration === latest.generation);
    const lifetimeMs = this.#options.lifetime ? this.#options.lifetime.lifetimeToRecord(latest) : latest.lifetimeMs;
    const next: CredentialGeneration = {
      generation: latest.generation + 1,
      refreshedAtMs: this.#now(),
      refreshSentAtMs: sentAtMs,
      ...(unhelpfulRefreshes > 0 ? { unhelpfulRefreshes } : {}),
      ...(lifetimeMs !== undefined ? { lifetimeMs } : {}),
      ...(secret ? { secret } : {}),
    };
    await this.#write(next);
    this.#options.announce({ type: 'refreshed', generation: next.generation });
    return { kind: 'refreshed', generation: next.generation };
  }

  async #recordFailure(
    latest: CredentialGeneration,
    result: Exclude<RefreshResult, { kind: 'refreshed' }>,
    fingerprint: string | undefined,
    notice: FailureNotice,
  ): Promise<RefreshOutcome> {
    // A refusal is remembered by the credentials it refused (without a fingerprint, only by its
    // time, as any failure); an earlier refusal of other credentials no longer holds.
    // A refused session's tokens are worthless: the vault is cleared with the refusal, in one write.
    // A failure is remembered with the credentials it failed with, so that a new login is not held
    // by the cooldown of a failure before it.
    const { refusedCredentials: _earlierRefusal, failedCredentials: _earlierFailure, secret, ...sameGeneration } = latest;
    const remembered = fingerprint === undefined ? {} : result.kind === 'refused' ? { refusedCredentials: fingerprint } : { failedCredentials: fingerprint };
    const kept = result.kind === 'refused' || secret === undefined ? {} : { secret };
    await this.#write({ ...sameGeneration, ...kept, failedAtMs: this.#now(), ...remembered });
    if (result.kind === 'refused') {
      // Once per ended session: later 401s with the same credentials never reach the network again.
      this.#options.announce({ type: 'session-expired' });
      return { kind: 'session-expired' };
    }
    // Told already if the waiting requests gave up first.
    if (!notice.announced) {
      notice.announced = true;
      this.#options.announce({ type: 'refresh-failed', reason: result.reason });
    }
    return { kind: 'failed', reason: result.reason };
  }

  /** Keeps `record` in memory even if IndexedDB fails: what happened, happened. */
  async #write(record: CredentialGeneration): Promise<void> {
    this.#adopt(record);
    await this.#options.store.write(record).catch(() => undefined);
  }

  #adopt(record: CredentialGeneration): void {
    if (record.generation > this.#current.generation) {
      this.#current = record;
    } else if (record.generation === this.#current.generation) {
      // Same generation: the record adds what happened since (a failure, a refusal). Keep a
      // failure this worker knows of if the store lost it (a failed write).
      const failedAtMs = Math.max(record.failedAtMs ?? 0, this.#current.failedAtMs ?? 0);
      this.#current = { ...record, ...(failedAtMs > 0 ? { failedAtMs } : {}) };
    }
  }
}
