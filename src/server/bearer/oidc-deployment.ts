// A real OpenID Provider (node oidc-provider 9) as a deployment for a public single-page client
// would configure it: authorization_code with PKCE (required for public clients by default),
// refresh tokens with the library's default rotation (a spent one presented again revokes the
// whole grant), short access tokens, CORS for the client's redirect origins. What is demo-only:
// the interaction logs a fixed user in and grants consent without a page, so nobody types.
//
// Mounted under PATH_PREFIX on the demo server's node listener (see mountOidc in oidc-mount.ts).

import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type AccessTokenRecord, type KoaContextWithOidc, type OidcError } from 'oidc-provider';
import { createMemoryAdapter } from 'oidc-provider/lib/adapters/memory_adapter.js';
import { type BearerCounters, type IssuedTokenRecord, isEarlyRefresh } from './bearer-counters.ts';

export const OIDC_PATH_PREFIX = '/oidc';
export const DEMO_CLIENT_ID = 'token-broker-demo';
export const DEMO_ACCOUNT_ID = 'demo-user';
/** Where the demo's bearer page lives: its redirect URI and the scope of its worker. */
export const BEARER_PAGE_PATH = '/bearer/';
const INTERACTION_PATH = `${OIDC_PATH_PREFIX}/interaction/`;
const REFRESH_TOKEN_TTL_SECONDS = 24 * 3600;

export interface OidcDeploymentOptions {
  /** The origins the demo pages are served from (the first is the issuer's). */
  origins: readonly string[];
  counters: BearerCounters;
  issued: IssuedTokenRecord;
  /** Read at every issue, so a test can shorten it at run time. */
  accessTtlSeconds: () => number;
}

export class OidcDeployment {
  readonly provider: Provider;
  readonly #counters: BearerCounters;
  readonly #issued: IssuedTokenRecord;
  /** Every grant seen, so the control route can revoke them all. */
  readonly #grantIds = new Set<string>();
  /** The newest access token's lifetime, per grant: tells a refresh for an expiry from a second one. */
  readonly #newestAccessToken = new Map<string, { iat: number; exp: number }>();
  readonly #callback: (req: IncomingMessage, res: ServerResponse) => void;

  private constructor(provider: Provider, counters: BearerCounters, issued: IssuedTokenRecord) {
    this.provider = provider;
    this.#counters = counters;
    this.#issued = issued;
    this.#callback = provider.callback();
    this.#countEvents();
  }

  static async create(options: OidcDeploymentOptions): Promise<OidcDeployment> {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const signingKey = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: 'demo' };
    const issuer = `${options.origins[0]}${OIDC_PATH_PREFIX}`;
    const provider = new Provider(issuer, {
      adapter: createMemoryAdapter(),
      jwks: { keys: [signingKey] },
      cookies: { keys: [randomBytes(32).toString('base64url')] },
      clients: [{
        client_id: DEMO_CLIENT_ID,
        token_endpoint_auth_method: 'none',
        application_type: 'web',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: options.origins.map((origin) => `${origin}${BEARER_PAGE_PATH}`),
        post_logout_redirect_uris: options.origins.map((origin) => `${origin}${BEARER_PAGE_PATH}`),
      }],
      scopes: ['openid', 'offline_access', 'profile'],
      features: {
        devInteractions: { enabled: false },
        revocation: { enabled: true },
      },
      // CORS for the token, userinfo and revocation endpoints: the origins of the client's redirect URIs only.
      clientBasedCORS: (_ctx: unknown, origin: string, client: { redirectUris: string[] }) =>
        client.redirectUris.some((uri) => new URL(uri).origin === origin),
      interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `${INTERACTION_PATH}${interaction.uid}` },
      findAccount: (_ctx: unknown, accountId: string) => ({
        accountId,
        claims: () => ({ sub: accountId, name: 'Demo User' }),
      }),
      ttl: {
        AccessToken: () => options.accessTtlSeconds(),
        IdToken: 3600,
        Interaction: 600,
        Session: 24 * 3600,
        Grant: 24 * 3600,
        // The library's default keeps a rotated token's remaining lifetime; the first one lives a day here.
        RefreshToken: (ctx: { oidc?: { entities?: { RotatedRefreshToken?: { remainingTTL: number } } } }) =>
          ctx?.oidc?.entities?.RotatedRefreshToken?.remainingTTL ?? REFRESH_TOKEN_TTL_SECONDS,
      },
      // Errors as JSON: the default HTML page would echo request parameters back.
      renderError: (ctx: { type: string; body: unknown }, out: Record<string, unknown>) => {
        ctx.type = 'json';
        ctx.body = { error: out.error, error_description: out.error_description };
      },
    });
    return new OidcDeployment(provider, options.counters, options.issued);
  }

  /** Whether a node request belongs to the provider (its prefix). */
  static owns(url: string | undefined): boolean {
    return url === OIDC_PATH_PREFIX || (url?.startsWith(`${OIDC_PATH_PREFIX}/`) ?? false) || (url?.startsWith(`${OIDC_PATH_PREFIX}?`) ?? false);
  }

  /** Serves a request under the prefix: the demo's interaction, or the provider itself. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    if (url.startsWith(INTERACTION_PATH)) {
      await this.#finishInteraction(req, res);
      return;
    }
    // The provider builds its endpoints' URLs from originalUrl: without it discovery would
    // advertise them without the prefix.
    (req as IncomingMessage & { originalUrl?: string }).originalUrl = url;
    req.url = url.slice(OIDC_PATH_PREFIX.length) || '/';
    this.#callback(req, res);
  }

  /** The access token record behind a bearer value, or undefined when unknown, expired or revoked. */
  async findAccessToken(value: string): Promise<AccessTokenRecord | undefined> {
    return this.provider.AccessToken.find(value);
  }

  /** Revokes every grant issued so far, as an administrator would (all tokens of each die). */
  async revokeAllGrants(): Promise<number> {
    const { AccessToken, RefreshToken, AuthorizationCode, Grant } = this.provider;
    const grantIds = [...this.#grantIds];
    this.#grantIds.clear();
    for (const grantId of grantIds) {
      await Promise.all([
        AccessToken.adapter.revokeByGrantId(grantId),
        RefreshToken.adapter.revokeByGrantId(grantId),
        AuthorizationCode.adapter.revokeByGrantId(grantId),
        Grant.adapter.destroy(grantId),
      ]);
      this.#counters.increment('grantsRevokedByControl');
    }
    return grantIds.length;
  }

  // The demo user logs in and consents to what the client asked, with no page in between.
  async #finishInteraction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const details = await this.provider.interactionDetails(req, res);
    if (details.prompt.name === 'login') {
      await this.provider.interactionFinished(req, res, { login: { accountId: DEMO_ACCOUNT_ID } }, { mergeWithLastSubmission: false });
      return;
    }
    const accountId = details.session?.accountId ?? DEMO_ACCOUNT_ID;
    const clientId = String(details.params.client_id ?? DEMO_CLIENT_ID);
    const grant = (details.grantId ? await this.provider.Grant.find(details.grantId) : undefined)
      ?? new this.provider.Grant({ accountId, clientId });
    const missing = details.prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes.join(' '));
    const grantId = await grant.save();
    await this.provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  #countEvents(): void {
    const counters = this.#counters;
    const countGrant = (ctx: KoaContextWithOidc): string => {
      const grantType = String(ctx.oidc.params?.grant_type ?? '');
      if (grantType === 'authorization_code') counters.increment('loginGrants');
      if (grantType === 'refresh_token') counters.increment('refreshGrants');
      return grantType;
    };
    this.provider.on('grant.success', (ctx) => {
      countGrant(ctx);
      const grantId = ctx.oidc.entities.AccessToken?.grantId;
      if (grantId) this.#grantIds.add(grantId);
    });
    this.provider.on('grant.error', (ctx, error: OidcError) => {
      if (countGrant(ctx) === 'refresh_token' && error.error === 'invalid_grant') counters.increment('refreshFailed');
      if (error.error_detail === 'refresh token already used') counters.increment('reuseDetected');
    });
    this.provider.on('grant.revoked', () => counters.increment('grantsRevoked'));
    this.provider.on('server_error', () => counters.increment('serverErrors'));
    const onAccessToken = (token: { grantId?: string; expiresIn?: number; jti?: string }): void => {
      this.#issued.add(token.jti); // an opaque token's value is its jti
      if (!token.grantId || typeof token.expiresIn !== 'number') return;
      const now = Date.now() / 1000;
      const previous = this.#newestAccessToken.get(token.grantId);
      if (previous && isEarlyRefresh(previous.iat, previous.exp, now)) counters.increment('refreshEarly');
      this.#newestAccessToken.set(token.grantId, { iat: now, exp: now + token.expiresIn });
    };
    // 'saved' for opaque access tokens (stored), 'issued' for JWT ones (not stored).
    this.provider.on('access_token.saved', onAccessToken);
    this.provider.on('access_token.issued', onAccessToken);
    this.provider.on('refresh_token.saved', (token: { jti?: string }) => this.#issued.add(token.jti));
  }
}
