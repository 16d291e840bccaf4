// The credential generation's record and where it is kept, as types: a leaf module with no
// storage library behind it (generation-store.ts keeps it in IndexedDB), so that the broker's
// public types do not drag a storage library into an adopter's type check.

import type { VaultSecret } from './vault-secret.ts';

// The record grew fields after its first version; a record without them (as older workers wrote
// it) reads as "no failure, no refusal, no backoff". Every time in it comes from the worker's
// clock (refresh-policy.ts), comparable across workers only roughly: see ageMs.
export interface CredentialGeneration {
  readonly generation: number;
  /** Time of the refresh that began this generation (0 for the first one). */
  readonly refreshedAtMs: number;
  /** Time the latest refresh from this generation failed or was refused: the cooldown counts from it. */
  readonly failedAtMs?: number;
  /** The server refused a refresh made with these credentials: a fingerprint of them (never their
   * values). No refresh is sent again until the credentials differ (a new login). */
  readonly refusedCredentials?: string;
  /** A refresh made with these credentials failed (not a refusal): a fingerprint of them. The
   * cooldown after the failure holds only while the credentials are these: a new login's are not
   * held for a failure of the ones before it (refresh-policy.ts). */
  readonly failedCredentials?: string;
  /** How many refreshes in a row did not help (their replays still met an expired answer) before
   * the one that began this generation: the backoff grows with it. */
  readonly unhelpfulRefreshes?: number;
  /** Time the refresh that began this generation was sent: its credentials were issued between
   * this and refreshedAtMs (lifetime-learner.ts). */
  readonly refreshSentAtMs?: number;
  /** How long credentials live, learned from expiries seen (lifetime-learner.ts): the shortest
   * one measured, carried from generation to generation. */
  readonly lifetimeMs?: number;
  /** Bearer mode: the session's tokens, of this generation (vault-secret.ts). Absent in cookie
   * mode, and once a session ended (a refusal, a logout). */
  readonly secret?: VaultSecret;
}

export interface GenerationStore {
  read(): Promise<CredentialGeneration>;
  write(value: CredentialGeneration): Promise<void>;
}

export const INITIAL_GENERATION: CredentialGeneration = Object.freeze({ generation: 0, refreshedAtMs: 0 });
