// How long credentials live, learned from what the broker sees, for backends that give no
// readable expiry (flask-jwt-extended's defaults: session cookies, or one-year cookies). Each
// generation starts at a known time (this worker's refresh, or a login seen through a cookie
// change event) and ends with its first expiry answer; from the two the broker learns the
// lifetime, and from the next generation on a request made within refreshAheadMs of the
// predicted expiry refreshes first (the same refresh ahead as a readable cookie expiry).
//
// Safe by construction:
// - Every time is bracketed, and the bracket taken is the one that makes the lifetime SHORTER:
//   the credentials were issued no later than the refresh's answer (or the cookie change), and
//   were still alive when the last request that succeeded with them was sent. An expiry whose
//   bracket is wider than refreshAheadMs (a page that slept through it, a login seen late)
//   teaches nothing: refreshing on its lower bound could be far earlier than needed.
// - The lifetime kept is the shortest measured (a lifetime that shrinks is followed after one
//   401 round); one too short to refresh ahead of (within refreshAheadMs + cooldownMs, where
//   the coordinator would hold the refresh anyway) teaches nothing.
// - A refresh ahead is started at most once per generation, only by a request being made, so a
//   wrong guess costs one refresh and then the usual refresh on the 401, never a loop.
// - Only answers classified as expiry (expiry-detector.ts) are looked at; a CSRF or permission
//   401 never reaches here. Times come from the coordinator's clock, which cannot step back
//   within a worker; a generation started before this worker did (another worker's clock) is
//   used for predictions, never for measurements.

import type { CredentialGeneration } from './generation-store.ts';
import { ageMs, workerClockMs } from './refresh-policy.ts';

/** A cookie change seen this soon after a refresh of this worker is taken for that refresh's own. */
export const OWN_REFRESH_ECHO_MS = 1_000;

/** The credentials were issued within this window (ms on the coordinator's clock). */
export interface IssuedWithin {
  readonly afterMs: number;
  readonly beforeMs: number;
}

export interface LifetimeLearnerOptions {
  readonly refreshAheadMs: number;
  readonly cooldownMs: number;
  /** The coordinator's clock. @default workerClockMs */
  readonly now?: () => number;
}

/** What this worker saw of the generation it is in. */
interface GenerationWatch {
  readonly generation: number;
  /** Credentials issued during this generation outside this worker's refreshes (a login). */
  login?: IssuedWithin;
  /** When the latest request that succeeded with these credentials was sent. */
  lastAliveSentMs?: number;
  /** The lifetime measured at this generation's first expiry answer, if it was precise enough. */
  measuredMs?: number;
  expirySeen: boolean;
  refreshAheadStarted: boolean;
}

export class LifetimeLearner {
  readonly #refreshAheadMs: number;
  readonly #minUsableMs: number;
  readonly #cooldownMs: number;
  readonly #now: () => number;
  /** Times before this worker's birth were read on another clock. */
  readonly #bornAtMs: number;
  #watch: GenerationWatch = newWatch(0);

  constructor(options: LifetimeLearnerOptions) {
    this.#refreshAheadMs = options.refreshAheadMs;
    this.#minUsableMs = options.refreshAheadMs + options.cooldownMs;
    this.#cooldownMs = options.cooldownMs;
    this.#now = options.now ?? workerClockMs;
    this.#bornAtMs = this.#now();
  }

  /** The clock every time handed to this learner is read on. */
  nowMs(): number {
    return this.#now();
  }

  /** The credentials changed outside a refresh of this worker (a login), seen now; `record` is the current generation's. */
  credentialsIssued(record: CredentialGeneration): void {
    const nowMs = this.#now();
    const { generation } = record;
    // The change event of this worker's own refresh may come just after it ended.
    const sinceRefreshMs = nowMs - record.refreshedAtMs;
    if (record.refreshSentAtMs !== undefined && sinceRefreshMs >= 0 && sinceRefreshMs < OWN_REFRESH_ECHO_MS) return;
    const watch = newWatch(generation);
    // A cookie change event follows the Set-Cookie within milliseconds: the issue time, as
    // closely as this worker can know it.
    watch.login = { afterMs: nowMs, beforeMs: nowMs };
    if (generation >= this.#watch.generation) this.#watch = watch;
  }

  /** A request stamped with `generation`, sent at `sentAtMs`, was answered with success. */
  answeredAlive(generation: number, sentAtMs: number): void {
    const watch = this.#watchOf(generation);
    // Sent before a login of this generation: it says nothing of the new credentials.
    if (!watch || (watch.login && sentAtMs < watch.login.afterMs)) return;
    watch.lastAliveSentMs = Math.max(watch.lastAliveSentMs ?? sentAtMs, sentAtMs);
  }

  /**
   * A request stamped with `generation` (the current one, `record`), sent at `sentAtMs`, met an
   * expiry answer at `answeredAtMs`. The first one of a generation measures its lifetime.
   */
  expiryAnswered(record: CredentialGeneration, generation: number, sentAtMs: number, answeredAtMs: number): void {
    if (generation !== record.generation) return; // a late 401 of credentials already replaced
    const watch = this.#watchOf(generation);
    if (!watch || watch.expirySeen) return;
    const issued = this.#issuedWithin(record, watch);
    if (!issued || sentAtMs < issued.afterMs) return;
    watch.expirySeen = true;
    if (issued.afterMs < this.#bornAtMs || watch.lastAliveSentMs === undefined) return;
    // Alive when the last success was sent, dead when this answer came.
    const atLeastMs = watch.lastAliveSentMs - issued.beforeMs;
    const atMostMs = answeredAtMs - issued.afterMs;
    if (atMostMs - atLeastMs > this.#refreshAheadMs || atLeastMs < this.#minUsableMs) return;
    watch.measuredMs = atLeastMs;
  }

  /**
   * The lifetime to record with the generation that follows `from` (the coordinator calls it
   * when a refresh from `from` succeeded): the shortest measured so far.
   */
  lifetimeToRecord(from: CredentialGeneration): number | undefined {
    const measured = this.#watch.generation === from.generation ? this.#watch.measuredMs : undefined;
    if (measured === undefined) return from.lifetimeMs;
    return from.lifetimeMs === undefined ? measured : Math.min(from.lifetimeMs, measured);
  }

  /**
   * Must a request just stamped with `stampedGeneration` refresh first? Once the predicted
   * expiry is within refreshAheadMs: the first such request of a generation starts the refresh,
   * and others stamped with that generation join it (or, once it landed, are stamped again); if
   * it did not refresh (held, failed), none tries again for that generation.
   */
  refreshAheadDue(record: CredentialGeneration, stampedGeneration: number, refreshing: boolean): boolean {
    const watch = this.#watchOf(stampedGeneration);
    if (!watch) return record.generation > stampedGeneration; // stamped before a refresh landed: stamp again
    if (watch.refreshAheadStarted) return refreshing || record.generation > stampedGeneration;
    const expiresAtMs = this.predictedExpiryMs(record, stampedGeneration);
    if (expiresAtMs === undefined || expiresAtMs - this.#now() > this.#refreshAheadMs) return false;
    // The coordinator holds a presumed expiry within cooldownMs of a refresh: wait it out rather
    // than spend this generation's one attempt on a refresh that cannot start.
    const sinceRefreshMs = ageMs(this.#now(), record.refreshedAtMs);
    if (sinceRefreshMs !== undefined && sinceRefreshMs < this.#cooldownMs) return false;
    watch.refreshAheadStarted = true;
    return true;
  }

  /** When the credentials of `generation` are expected to expire, if the lifetime and their start are known. */
  predictedExpiryMs(record: CredentialGeneration, generation: number): number | undefined {
    const watch = this.#watchOf(generation);
    const lifetimeMs = record.lifetimeMs;
    if (!watch || lifetimeMs === undefined || lifetimeMs < this.#minUsableMs) return undefined;
    const issued = this.#issuedWithin(record, watch);
    // A start in the future: the wall clock stepped back between two workers' starts.
    if (!issued || issued.afterMs > this.#now()) return undefined;
    return issued.afterMs + lifetimeMs;
  }

  /** The watch of `generation`, started if it is newer than the one watched; undefined for an older one. */
  #watchOf(generation: number): GenerationWatch | undefined {
    if (generation > this.#watch.generation) this.#watch = newWatch(generation);
    return generation === this.#watch.generation ? this.#watch : undefined;
  }

  /** When the credentials of the watched generation were issued: a login seen in it, or the refresh that began it. */
  #issuedWithin(record: CredentialGeneration, watch: GenerationWatch): IssuedWithin | undefined {
    if (watch.login) return watch.login;
    if (record.generation !== watch.generation || record.refreshSentAtMs === undefined) return undefined;
    return { afterMs: record.refreshSentAtMs, beforeMs: record.refreshedAtMs };
  }
}

function newWatch(generation: number): GenerationWatch {
  return { generation, expirySeen: false, refreshAheadStarted: false };
}
