// Bearer mode's credential source: the access token from the vault goes into Authorization on
// API requests, and the refresh is the refresh_token grant the page's library would send (its
// own client_id, scope, resource..., as captured from its grant), form-encoded as RFC 6749 6
// says, or the JSON variant's `{ [requestField]: refreshToken }`. The vault is the coordinator's
// generation record: the tokens are read from the record a request is stamped with, so a request
// never carries the tokens of one generation under the number of another.

import type { BearerConfig } from './bearer-config.ts';
import type { BearerModeConfig } from './config.ts';
import { fingerprintOf } from './credential-fingerprint.ts';
import type { ClientContext, CredentialSource, RefreshResult, StampedCredentials, StampTarget } from './credential-source.ts';
import type { CredentialGeneration } from './generation-store.ts';
import { readTokenAnswer, secretFrom } from './token-answer.ts';
import type { VaultSecret } from './vault-secret.ts';

export interface BearerCredentialsOptions {
  readonly config: BearerModeConfig;
  /** The latest generation record (RefreshCoordinator.record): the vault. */
  readonly record: () => CredentialGeneration;
  readonly fetch?: typeof fetch;
  /** Wall clock, ms since the epoch: token expiries are wall-clock times. */
  readonly now?: () => number;
}

export class BearerCredentials implements CredentialSource {
  readonly #bearer: BearerConfig;
  readonly #refreshAheadMs: number;
  readonly #record: () => CredentialGeneration;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;

  constructor(options: BearerCredentialsOptions) {
    this.#bearer = options.config.bearer;
    this.#refreshAheadMs = options.config.refreshAheadMs;
    this.#record = options.record;
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#now = options.now ?? (() => Date.now());
  }

  async stamp(headers: Headers, _client?: ClientContext, _target?: StampTarget): Promise<StampedCredentials> {
    const secret = this.#record().secret;
    // No session: the page's own header (a placeholder, or a token of its own) goes as it came.
    if (!secret) return { expiresAtMs: undefined, refreshable: false };
    headers.set('Authorization', `Bearer ${secret.accessToken}`);
    return {
      expiresAtMs: secret.expiresAtMs,
      ...(secret.expiresAtMs === undefined ? {} : { refreshAtMs: refreshAtMs(secret, this.#refreshAheadMs) }),
      refreshable: secret.refreshToken !== undefined,
    };
  }

  async refresh(signal: AbortSignal): Promise<RefreshResult> {
    const secret = this.#record().secret;
    if (secret?.refreshToken === undefined) return { kind: 'failed', reason: 'no refresh token in the vault; no refresh sent' };
    const { protocol, tokenEndpoint, fields } = this.#bearer;
    const request = protocol === 'oauth'
      ? {
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: formOf([['grant_type', 'refresh_token'], ['refresh_token', secret.refreshToken], ...secret.grantParams]),
      }
      : {
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ [fields.requestRefreshToken]: secret.refreshToken }),
      };
    let response: Response;
    try {
      response = await this.#fetch(tokenEndpoint, {
        method: 'POST', ...request, credentials: secret.credentials, cache: 'no-store', redirect: 'error', signal,
      });
    } catch (error) {
      return { kind: 'failed', reason: signal.aborted ? 'timeout' : `network error (${error instanceof Error ? error.name : 'unknown'})` };
    }
    const read = await readTokenAnswer(response, fields);
    void response.body?.cancel().catch(() => undefined);
    switch (read.kind) {
      case 'tokens':
        return {
          kind: 'refreshed',
          secret: secretFrom(read.answer, {
            previous: secret, grantParams: secret.grantParams, credentials: secret.credentials,
            placeholderSeed: secret.placeholderSeed, nowMs: this.#now(),
          }),
        };
      case 'malformed':
        return { kind: 'failed', reason: `the token endpoint's answer is not a token answer (${read.reason})` };
      case 'error':
        return isRefusal(read.status, read.error, protocol) ? { kind: 'refused', status: read.status } : { kind: 'failed', reason: `status ${read.status}` };
    }
  }

  /** The refresh token's: a new login brings a new one. */
  async fingerprint(): Promise<string | undefined> {
    const refreshToken = this.#record().secret?.refreshToken;
    return refreshToken === undefined ? undefined : fingerprintOf([['refresh_token', refreshToken]]);
  }
}

/**
 * When to refresh ahead of the access token's expiry: `refreshAheadMs` before it, but never
 * earlier than half its lifetime, so that a short-lived token is used at all before it is replaced.
 */
export function refreshAtMs(secret: VaultSecret, refreshAheadMs: number): number | undefined {
  if (secret.expiresAtMs === undefined) return undefined;
  const lifetimeMs = Math.max(0, secret.expiresAtMs - secret.receivedAtMs);
  return secret.expiresAtMs - Math.min(refreshAheadMs, lifetimeMs / 2);
}

/**
 * The server ended the session: `invalid_grant` (RFC 6749 5.2: the refresh token is invalid,
 * expired, revoked or spent) whatever its status; the JSON variant's 401/403 as in cookie mode.
 * Anything else (invalid_client, a 5xx) is a failure a later 401 may try again after.
 */
function isRefusal(status: number, error: string | undefined, protocol: BearerConfig['protocol']): boolean {
  if (error === 'invalid_grant') return true;
  return protocol === 'json' && (status === 401 || status === 403);
}

function formOf(params: readonly (readonly [string, string])[]): string {
  const form = new URLSearchParams();
  for (const [name, value] of params) form.append(name, value);
  return form.toString();
}
