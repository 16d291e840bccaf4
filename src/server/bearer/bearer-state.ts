// Everything bearer mode adds to one demo server: the OIDC provider (created once the server
// knows its origin), the hand-made JSON backend, their counters and the access token lifetime.

import { BearerCounters, type BearerCounts, IssuedTokenRecord } from './bearer-counters.ts';
import { JsonAuthBackend } from './json-auth.ts';
import { OidcDeployment } from './oidc-deployment.ts';

/** Short enough that the demo shows a refresh every few seconds. */
export const DEFAULT_BEARER_ACCESS_TTL_SECONDS = 10;
export const MAX_BEARER_ACCESS_TTL_SECONDS = 3600;

export interface BearerStats {
  oidc: BearerCounts;
  json: BearerCounts;
  options: { accessTtlSeconds: number };
}

export class BearerState {
  readonly oidcCounters = new BearerCounters();
  readonly jsonCounters = new BearerCounters();
  accessTtlSeconds: number;
  readonly json: JsonAuthBackend;
  /** Every token value issued, when the server was started with recordIssuedTokens (tests only). */
  readonly issued: IssuedTokenRecord;
  #oidc: OidcDeployment | undefined;

  constructor(accessTtlSeconds = DEFAULT_BEARER_ACCESS_TTL_SECONDS, recordIssuedTokens = false) {
    this.accessTtlSeconds = accessTtlSeconds;
    this.issued = new IssuedTokenRecord(recordIssuedTokens);
    this.json = new JsonAuthBackend(this.jsonCounters, () => this.accessTtlSeconds, this.issued);
  }

  /** The provider, once startOidc ran (the server knows its origin after it listens). */
  get oidc(): OidcDeployment | undefined {
    return this.#oidc;
  }

  async startOidc(origins: readonly string[]): Promise<OidcDeployment> {
    this.#oidc ??= await OidcDeployment.create({
      origins,
      counters: this.oidcCounters,
      issued: this.issued,
      accessTtlSeconds: () => this.accessTtlSeconds,
    });
    return this.#oidc;
  }

  stats(): BearerStats {
    return {
      oidc: this.oidcCounters.snapshot(),
      json: this.jsonCounters.snapshot(),
      options: { accessTtlSeconds: this.accessTtlSeconds },
    };
  }
}
