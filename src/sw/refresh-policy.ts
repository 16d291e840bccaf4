// When a refresh may start, read from the generation record and the clock alone: the cooldown
// after a refresh, the cooldown after a failure, and the backoff after refreshes that did not help.
// Pure functions, so that the coordinator keeps only the single flight and the lock.
//
// Clocks. A wall clock steps (NTP, a resume from sleep, a manual change); a step back made every
// age negative, and a negative age looked like "just refreshed" for as long as the step: real
// expiries were taken for "not an expiry". So the worker's clock is performance.timeOrigin +
// performance.now(): the wall clock read once when the worker started, then a monotonic count, so
// it cannot step back within one worker. Across workers (the record is shared) two such clocks
// still differ by whatever the wall clock did between their starts: an age that comes out
// negative is unknown, and an unknown age never holds a refresh back.

import type { CredentialGeneration } from './credential-generation.ts';

/** The longest a refresh waits after refreshes that did not help. */
export const MAX_BACKOFF_MS = 60_000;

/**
 * How sure the broker is that the credentials expired:
 * - 'positive': the answer says so in words (expiredWhen.jsonField or wwwAuthenticate matched);
 * - 'presumed': a bare status (status-only configs), or the refresh ahead of a cookie's expiry.
 */
export type ExpiryEvidence = 'positive' | 'presumed';

/** Why a refresh must not start now; undefined: it may. */
export type RefreshHold = 'not-expiry' | 'backoff' | 'cooldown' | 'cooldown-unless-new-credentials' | undefined;

/** ms since the epoch; cannot step back within one worker. */
export function workerClockMs(): number {
  return performance.timeOrigin + performance.now();
}

/** How long ago `atMs` was; undefined if it never happened (0, absent) or lies ahead (a clock stepped back). */
export function ageMs(nowMs: number, atMs: number | undefined): number | undefined {
  if (atMs === undefined || atMs <= 0 || atMs > nowMs) return undefined;
  return nowMs - atMs;
}

/** After `unhelpful` refreshes in a row that did not help: cooldownMs, then twice that, and so on, up to MAX_BACKOFF_MS. */
export function backoffMs(unhelpful: number, cooldownMs: number): number {
  if (unhelpful <= 0) return 0;
  return Math.min(cooldownMs * 2 ** (unhelpful - 1), Math.max(MAX_BACKOFF_MS, cooldownMs));
}

/** The series of refreshes that did not help, counting the one that began `record` if it did not either. */
export function unhelpfulRefreshesAfter(record: CredentialGeneration, latestDidNotHelp: boolean): number {
  return latestDidNotHelp ? (record.unhelpfulRefreshes ?? 0) + 1 : 0;
}

/**
 * A failed refresh (not a refusal: that one waits for new credentials instead) holds the next one
 * for cooldownMs, unless the credentials are known to differ from the ones it failed with
 * (`fingerprint`: the current ones; undefined when not read, or not known).
 */
export function inFailureCooldown(record: CredentialGeneration, nowMs: number, cooldownMs: number, fingerprint?: string): boolean {
  if (record.refusedCredentials !== undefined) return false;
  if (fingerprint !== undefined && record.failedCredentials !== undefined && fingerprint !== record.failedCredentials) return false;
  const sinceFailure = ageMs(nowMs, record.failedAtMs);
  return sinceFailure !== undefined && sinceFailure < cooldownMs;
}

export interface RefreshHoldInput {
  readonly nowMs: number;
  readonly cooldownMs: number;
  readonly evidence: ExpiryEvidence;
  /** This worker saw a replay made after the record's refresh still meet an expired answer. */
  readonly latestDidNotHelp: boolean;
}

/** Whether a refresh from `record`'s generation may start now. */
export function refreshHold(record: CredentialGeneration, input: RefreshHoldInput): RefreshHold {
  const { nowMs, cooldownMs, evidence, latestDidNotHelp } = input;
  const sinceRefresh = ageMs(nowMs, record.refreshedAtMs);
  // Decision for status-only configs: a bare 401 on credentials younger than cooldownMs is not
  // taken for an expiry. Nothing in it tells an expiry from a permission or CSRF 401, and a
  // refresh cannot cure those; tokens that die within seconds of being issued are rare, and an
  // app that has them can say which answers mean "expired" (expiredWhen.jsonField or
  // wwwAuthenticate): those are refreshed whenever they come.
  if (evidence === 'presumed' && sinceRefresh !== undefined && sinceRefresh < cooldownMs) return 'not-expiry';
  // Storms are kept away by spacing refreshes that do not help, not by ignoring expiries.
  const unhelpful = unhelpfulRefreshesAfter(record, latestDidNotHelp);
  if (sinceRefresh !== undefined && sinceRefresh < backoffMs(unhelpful, cooldownMs)) return 'backoff';
  if (inFailureCooldown(record, nowMs, cooldownMs)) {
    // The credentials may have changed since (a new login): only a read of them tells, and that
    // is made under the lock (refresh-coordinator.ts). Without a record of them, the time decides.
    return record.failedCredentials === undefined ? 'cooldown' : 'cooldown-unless-new-credentials';
  }
  return undefined;
}
