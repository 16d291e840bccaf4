// Where credentials come from, behind one small interface: cookies today (cookie-credentials.ts),
// a bearer-token vault next. The broker and the refresh coordinator only see this.

export type RefreshResult =
  | { readonly kind: 'refreshed' }
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
}

export interface CredentialSource {
  /** Sets the credential headers of a brokered request from their current values. */
  stamp(headers: Headers, client?: ClientContext): Promise<StampedCredentials>;
  /** Sends one refresh request and says how it went. Never retries. */
  refresh(signal: AbortSignal): Promise<RefreshResult>;
}
