// An authorization server, an API and a second origin for bearer-mode unit tests, behind one
// fetch. The authorization server rotates refresh tokens and, like node oidc-provider, revokes
// the whole grant when a spent one comes back. Every call is counted and recorded: the tests
// assert on what the servers received.

export const AUTH = 'https://auth.example';
export const API = 'https://api.example';
export const OTHER = 'https://other.example';

export interface GrantSeen {
  readonly params: Record<string, string>;
  readonly contentType: string | null;
}

export class FakeOAuthServer {
  readonly grants: GrantSeen[] = [];
  readonly revocations: Record<string, string>[] = [];
  /** Authorization headers each origin other than the API received. */
  readonly otherOriginAuthorization: (string | null)[] = [];
  readonly apiAuthorization: (string | null)[] = [];
  readonly counts = { api401: 0, apiOk: 0, refreshGrants: 0, codeGrants: 0, reuseDetected: 0, endSession: 0 };
  expiresInS = 300;
  /** Answers the next grants with this body instead of tokens (a malformed answer). */
  malformedAnswer: string | undefined;
  /** The grant is revoked: every refresh is answered invalid_grant. */
  revoked = false;
  /** Holds every refresh answer until it settles. */
  refreshGate: Promise<void> = Promise.resolve();
  #serial = 0;
  #validAccess = new Set<string>();
  #currentRefresh = '';
  #spent = new Set<string>();

  /** Every access token issued so far is answered 401 from now on. */
  expireAccessTokens(): void {
    this.#validAccess.clear();
  }

  readonly fetch = (async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.origin === AUTH && url.pathname === '/oauth/token') return this.#token(request);
    if (url.origin === AUTH && url.pathname === '/oauth/revoke') {
      this.revocations.push(Object.fromEntries(new URLSearchParams(await request.text())));
      return new Response(null, { status: 200 });
    }
    if (url.origin === AUTH && url.pathname === '/session/end') {
      this.counts.endSession += 1;
      return new Response('bye');
    }
    if (url.origin === API) {
      const authorization = request.headers.get('authorization');
      this.apiAuthorization.push(authorization);
      if (authorization?.startsWith('Bearer ') && this.#validAccess.has(authorization.slice(7))) {
        this.counts.apiOk += 1;
        return Response.json({ ok: true, path: url.pathname });
      }
      this.counts.api401 += 1;
      return new Response('{"error":"invalid_token"}', { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } });
    }
    this.otherOriginAuthorization.push(request.headers.get('authorization'));
    return new Response('other');
  }) as typeof fetch;

  async #token(request: Request): Promise<Response> {
    const params = Object.fromEntries(new URLSearchParams(await request.text()));
    this.grants.push({ params, contentType: request.headers.get('content-type') });
    if (params.grant_type === 'authorization_code') {
      this.counts.codeGrants += 1;
      this.revoked = false;
      return this.#issue(true);
    }
    if (params.grant_type !== 'refresh_token') return Response.json({ error: 'unsupported_grant_type' }, { status: 400 });
    this.counts.refreshGrants += 1;
    await this.refreshGate;
    if (this.#spent.has(params.refresh_token ?? '')) {
      this.counts.reuseDetected += 1;
      this.revoked = true;
    }
    if (this.revoked || params.refresh_token !== this.#currentRefresh) return Response.json({ error: 'invalid_grant' }, { status: 400 });
    this.#spent.add(params.refresh_token);
    return this.#issue(false);
  }

  #issue(withIdToken: boolean): Response {
    if (this.malformedAnswer !== undefined) return new Response(this.malformedAnswer, { headers: { 'Content-Type': 'application/json' } });
    this.#serial += 1;
    const access = `at-${this.#serial}`;
    this.#validAccess.add(access);
    this.#currentRefresh = `rt-${this.#serial}`;
    return Response.json({
      access_token: access, refresh_token: this.#currentRefresh, token_type: 'Bearer', expires_in: this.expiresInS, scope: 'openid api',
      ...(withIdToken ? { id_token: `idt-${this.#serial}` } : {}),
    }, { headers: { 'Cache-Control': 'no-store' } });
  }
}

/** The page's library's authorization_code grant, as oidc-client-ts sends it. */
export function codeGrant(extra: Record<string, string> = {}): Request {
  return new Request(`${AUTH}/oauth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code: 'code-1', redirect_uri: 'https://app.example/cb', code_verifier: 'verifier-1',
      client_id: 'spa', ...extra,
    }).toString(),
  });
}

/** The page's library's refresh_token grant with whatever refresh token it holds. */
export function refreshGrant(refreshToken: string): Request {
  return new Request(`${AUTH}/oauth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'spa' }).toString(),
  });
}

export function apiRequest(path: string, authorization?: string): Request {
  return new Request(`${API}/v1${path}`, authorization === undefined ? {} : { headers: { Authorization: authorization } });
}
