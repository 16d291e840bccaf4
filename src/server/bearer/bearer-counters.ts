// What a bearer-mode authorization server counted: the ground truth of the bearer tests and the
// demo's bearer panel. One set per server (the OIDC provider, the hand-made JSON backend), with
// the same names, so a scenario reads either one the same way.

export const BEARER_COUNTER_NAMES = [
  /** Logins: authorization_code grants (OIDC), POST /auth/login (JSON), whatever their outcome. */
  'loginGrants',
  /** refresh_token grants (OIDC), POST /auth/refresh (JSON), whatever their outcome. */
  'refreshGrants',
  /** Refresh grants refused (invalid_grant): spent, revoked or unknown refresh tokens. */
  'refreshFailed',
  /**
   * Refresh grants made while the grant's newest access token was in the first third of its
   * life: a second refresh for one expiry (see isEarlyRefresh).
   */
  'refreshEarly',
  /** A spent refresh token presented again (the server then revokes its whole grant). */
  'reuseDetected',
  /** Grants revoked by the server itself (reuse detection), not by the test control. */
  'grantsRevoked',
  /** Grants revoked through POST /__demo/bearer/revoke (a test or the demo's button). */
  'grantsRevokedByControl',
  'apiOk',
  'api401',
  /** Errors the provider reported as server_error (never expected). */
  'serverErrors',
] as const;

export type BearerCounterName = (typeof BEARER_COUNTER_NAMES)[number];
export type BearerCounts = Record<BearerCounterName, number>;

export class BearerCounters {
  #values: BearerCounts = zeroes();

  increment(name: BearerCounterName): void {
    this.#values[name] += 1;
  }

  snapshot(): BearerCounts {
    return { ...this.#values };
  }

  reset(): void {
    this.#values = zeroes();
  }
}

function zeroes(): BearerCounts {
  return Object.fromEntries(BEARER_COUNTER_NAMES.map((name) => [name, 0])) as BearerCounts;
}

/**
 * Whether a refresh made at `nowSeconds` comes while the newest access token is in the first third
 * of its life: no refresh ahead of expiry comes that early (the broker's skew is at most half a
 * lifetime), so it is a second refresh for one expiry (a duplicate comes milliseconds after the first).
 */
export function isEarlyRefresh(issuedAtSeconds: number, expiresAtSeconds: number, nowSeconds: number): boolean {
  return nowSeconds - issuedAtSeconds < (expiresAtSeconds - issuedAtSeconds) / 3;
}

/** Every token value a server issued, kept only when a test asks (to search the page for them). */
export class IssuedTokenRecord {
  readonly #values: string[] = [];
  readonly enabled: boolean;

  constructor(enabled: boolean) {
    this.enabled = enabled;
  }

  add(value: string | undefined): void {
    if (this.enabled && value) this.#values.push(value);
  }

  values(): readonly string[] {
    return [...this.#values];
  }
}
