// Where credentials come from, behind one small interface: cookies (cookie-credentials.ts) or a
// bearer-token vault (bearer-credentials.ts). The broker and the refresh coordinator only see this.

import type { VaultSecret } from './vault-secret.ts';

export type RefreshResult =
  /** `secret`: bearer mode's new tokens, written with the new generation in one transaction. */
  | { readonly kind: 'refreshed'; readonly secret?: VaultSecret }
  /** The server said the session is over (401/403, OAuth invalid_grant): terminal. */
  | { readonly kind: 'refused'; readonly status: number }
  /** Anything else (5xx, a network error, a malformed answer): a later 401 may try again. */
  | { readonly kind: 'failed'; readonly reason: string };

/** The tab a brokered request comes from, when known (FetchEvent.clientId): a source that reads
 * from the tabs asks that one first. */
export interface ClientContext {
  readonly clientId?: string;
}

/** What a source knows about the credentials it just stamped. */
export interface StampedCredentials {
  /** When they expire (ms since the epoch), where the source can tell: lets the broker refresh ahead. */
  readonly expiresAtMs: number | undefined;
  /** When to refresh ahead of that expiry, where the source decides it (bearer: a skew capped at
   * half the token's lifetime); without it, `refreshAheadMs` before `expiresAtMs`. */
  readonly refreshAtMs?: number;
  /** false: there is nothing to refresh with (no session in the vault): a 401 goes to the page as it came. */
  readonly refreshable?: boolean;
  /** The source's record of the values it set, for stampOutdated (cookie mode). */
  readonly stampedWith?: unknown;
  /** true where those values were kept since an earlier read (stamp-cache.ts), not read afresh. */
  readonly fromKeptValues?: boolean;
}

/** The request being stamped: a source that binds credentials to it (DPoP) needs its URL and method. */
export interface StampTarget {
  readonly url: string;
  readonly method: string;
  /** The request can be sent again (its body is held): only then may kept values stamp it. */
  readonly replayable?: boolean;
}

export interface CredentialSource {
  /** Sets the credential headers of a brokered request from their current values. */
  stamp(headers: Headers, client?: ClientContext, target?: StampTarget): Promise<StampedCredentials>;
  /** Sends one refresh request and says how it went. Never retries. */
  refresh(signal: AbortSignal): Promise<RefreshResult>;
  /** A fingerprint of the credentials a refresh would present now (credential-fingerprint.ts), so
   * that a refused session can be told from a new login; undefined where the source cannot tell. */
  fingerprint(): Promise<string | undefined>;
  /** Values kept between stamps may be used from now on: the worker hears every change of them. */
  keepStampedValues?(): void;
  /** A stamped credential changed (or may have): kept values are dropped. */
  forgetStampedValues?(): void;
  /** Did the credentials move since a stamp (`stampedWith`, its record)? Reads them afresh. */
  stampOutdated?(stampedWith: unknown): Promise<boolean>;
}
