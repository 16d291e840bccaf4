// Bearer mode's config: the worker as the token vault of an OAuth 2 app ("oauth") or of a
// hand-made backend that speaks JSON ("json"). Both resolve to one BearerConfig, so that the
// vault, the routes and the refresh read one shape; only the wire format and the field names differ.

import { describe, isPlainObject, parseUrlPrefix, reportUnknownKeys, type Report } from './config-fields.ts';

export interface OAuthOptions {
  /** The authorization server's token endpoint (RFC 6749 section 3.2), on any origin. */
  tokenEndpoint: string;
  /** RFC 7009 token revocation: the page's revocation request gets the real token for its
   * placeholder, and clears the vault. */
  revocationEndpoint?: string;
  /** OIDC RP-initiated logout: a request to it that the worker sees clears the vault. */
  endSessionEndpoint?: string;
  /** Give the page the real access token (apps that decode it); the refresh token stays hidden. @default false */
  exposeAccessToken?: boolean;
  /** Keep the tokens in IndexedDB, where a restarted worker finds them (and any script of the
   * origin could read them); false keeps them in the worker's memory only. @default true */
  persistTokens?: boolean;
}

export interface JsonBackendOptions {
  /** The backend's refresh route: POST, a JSON body `{ [requestField]: refreshToken }`. */
  refreshUrl: string;
  /** Routes whose JSON answers carry a new session (a login); captured like the refresh's. @default [] */
  loginUrls?: string[];
  /** A request to it gets the real refresh token for its placeholder at `requestField`, and clears the vault. */
  logoutUrl?: string;
  /** @default "refreshToken" */
  requestField?: string;
  /** @default "accessToken" */
  accessTokenField?: string;
  /** @default "refreshToken" */
  refreshTokenField?: string;
  /** Seconds the access token lives. @default "expiresIn" */
  expiresInField?: string;
  /** @default false */
  exposeAccessToken?: boolean;
  /** @default true */
  persistTokens?: boolean;
}

/** The names of a token answer's fields and of the refresh request's token field. */
export interface TokenFields {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresIn: string;
  /** The refresh request's field that carries the refresh token. */
  readonly requestRefreshToken: string;
}

export interface BearerConfig {
  /** 'oauth': form-encoded grants (RFC 6749); 'json': a JSON body with configurable field names. */
  readonly protocol: 'oauth' | 'json';
  /** Where refreshes go (oauth: the token endpoint, which also answers logins; json: refreshUrl). */
  readonly tokenEndpoint: string;
  /** json only: other routes whose answers start a new session. */
  readonly loginUrls: readonly string[];
  /** A request whose token field gets the real token, then clears the vault (RFC 7009; json: logoutUrl). */
  readonly revocationEndpoint?: string;
  /** A request that clears the vault and goes out unchanged (OIDC end-session). */
  readonly endSessionEndpoint?: string;
  readonly exposeAccessToken: boolean;
  /** false: the tokens stay in the worker's memory (memory-only-secrets.ts). */
  readonly persistTokens: boolean;
  readonly fields: TokenFields;
}

export const OAUTH_FIELDS: TokenFields = Object.freeze({
  accessToken: 'access_token', refreshToken: 'refresh_token', expiresIn: 'expires_in', requestRefreshToken: 'refresh_token',
});
export const DEFAULT_JSON_FIELDS: TokenFields = Object.freeze({
  accessToken: 'accessToken', refreshToken: 'refreshToken', expiresIn: 'expiresIn', requestRefreshToken: 'refreshToken',
});
/** How long before its expiry a bearer access token is refreshed (capped at half its lifetime). */
export const DEFAULT_BEARER_REFRESH_AHEAD_MS = 30_000;

const OAUTH_KEYS = ['tokenEndpoint', 'revocationEndpoint', 'endSessionEndpoint', 'exposeAccessToken', 'persistTokens'];
const JSON_KEYS = ['refreshUrl', 'loginUrls', 'logoutUrl', 'requestField', 'accessTokenField', 'refreshTokenField', 'expiresInField',
  'exposeAccessToken', 'persistTokens'];
/** Top-level keys that only mean something in cookie mode. */
export const COOKIE_MODE_KEYS = ['preset', 'refresh', 'headers', 'accessExpiry'];

export function parseOAuth(value: unknown, workerOrigin: string, problem: Report): BearerConfig | undefined {
  if (!isPlainObject(value)) {
    problem('oauth', `must be an object with at least "tokenEndpoint"; got ${describe(value)}`);
    return undefined;
  }
  reportUnknownKeys(value, OAUTH_KEYS, 'oauth.', problem);
  const tokenEndpoint = parseEndpoint(value.tokenEndpoint, 'oauth.tokenEndpoint', workerOrigin, problem);
  const revocationEndpoint = optionalEndpoint(value.revocationEndpoint, 'oauth.revocationEndpoint', workerOrigin, problem);
  const endSessionEndpoint = optionalEndpoint(value.endSessionEndpoint, 'oauth.endSessionEndpoint', workerOrigin, problem);
  const exposeAccessToken = parseBoolean(value.exposeAccessToken, 'oauth.exposeAccessToken', false, problem);
  const persistTokens = parseBoolean(value.persistTokens, 'oauth.persistTokens', true, problem);
  if (tokenEndpoint === undefined) return undefined;
  return {
    protocol: 'oauth', tokenEndpoint, loginUrls: [], exposeAccessToken, persistTokens, fields: OAUTH_FIELDS,
    ...(revocationEndpoint ? { revocationEndpoint } : {}),
    ...(endSessionEndpoint ? { endSessionEndpoint } : {}),
  };
}

export function parseJsonBackend(value: unknown, workerOrigin: string, problem: Report): BearerConfig | undefined {
  if (!isPlainObject(value)) {
    problem('json', `must be an object with at least "refreshUrl"; got ${describe(value)}`);
    return undefined;
  }
  reportUnknownKeys(value, JSON_KEYS, 'json.', problem);
  const tokenEndpoint = parseEndpoint(value.refreshUrl, 'json.refreshUrl', workerOrigin, problem);
  const loginUrls: string[] = [];
  if (value.loginUrls !== undefined) {
    if (!Array.isArray(value.loginUrls)) {
      problem('json.loginUrls', `must be an array of paths or absolute URLs; got ${describe(value.loginUrls)}`);
    } else {
      value.loginUrls.forEach((entry: unknown, index: number) => {
        const url = parseEndpoint(entry, `json.loginUrls[${index}]`, workerOrigin, problem);
        if (url !== undefined) loginUrls.push(url);
      });
    }
  }
  const revocationEndpoint = optionalEndpoint(value.logoutUrl, 'json.logoutUrl', workerOrigin, problem);
  const fields: TokenFields = {
    accessToken: parseFieldName(value.accessTokenField, 'json.accessTokenField', DEFAULT_JSON_FIELDS.accessToken, problem),
    refreshToken: parseFieldName(value.refreshTokenField, 'json.refreshTokenField', DEFAULT_JSON_FIELDS.refreshToken, problem),
    expiresIn: parseFieldName(value.expiresInField, 'json.expiresInField', DEFAULT_JSON_FIELDS.expiresIn, problem),
    requestRefreshToken: parseFieldName(value.requestField, 'json.requestField', DEFAULT_JSON_FIELDS.requestRefreshToken, problem),
  };
  if (fields.accessToken === fields.refreshToken) {
    problem('json.refreshTokenField', `must differ from "json.accessTokenField" ("${fields.accessToken}")`);
  }
  const exposeAccessToken = parseBoolean(value.exposeAccessToken, 'json.exposeAccessToken', false, problem);
  const persistTokens = parseBoolean(value.persistTokens, 'json.persistTokens', true, problem);
  if (tokenEndpoint === undefined) return undefined;
  return {
    protocol: 'json', tokenEndpoint, loginUrls, exposeAccessToken, persistTokens, fields,
    ...(revocationEndpoint ? { revocationEndpoint } : {}),
  };
}

/** Every URL of `bearer` the broker takes as a route of its own, with the key it came from. */
export function bearerEndpoints(bearer: BearerConfig): [key: string, url: string][] {
  const json = bearer.protocol === 'json';
  return [
    [json ? 'json.refreshUrl' : 'oauth.tokenEndpoint', bearer.tokenEndpoint],
    ...bearer.loginUrls.map((url, index): [string, string] => [`json.loginUrls[${index}]`, url]),
    ...(bearer.revocationEndpoint ? [[json ? 'json.logoutUrl' : 'oauth.revocationEndpoint', bearer.revocationEndpoint] as [string, string]] : []),
    ...(bearer.endSessionEndpoint ? [['oauth.endSessionEndpoint', bearer.endSessionEndpoint] as [string, string]] : []),
  ];
}

/** A path on the page's origin or an absolute http(s) URL, no query: resolved to origin + path. */
function parseEndpoint(value: unknown, key: string, workerOrigin: string, problem: Report): string | undefined {
  const parsed = parseUrlPrefix(value, workerOrigin);
  if (typeof parsed === 'string') {
    problem(key, parsed);
    return undefined;
  }
  return parsed.origin + parsed.pathPrefix;
}

function optionalEndpoint(value: unknown, key: string, workerOrigin: string, problem: Report): string | undefined {
  return value === undefined ? undefined : parseEndpoint(value, key, workerOrigin, problem);
}

function parseBoolean(value: unknown, key: string, fallback: boolean, problem: Report): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  problem(key, `must be true or false; got ${describe(value)}`);
  return fallback;
}

// A top-level JSON key: letters, digits, _ and -, as field names of token answers are.
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

function parseFieldName(value: unknown, key: string, fallback: string, problem: Report): string {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && FIELD_NAME.test(value)) return value;
  problem(key, `must be a JSON field name (letters, digits, "_" or "-", at most 64); got ${describe(value)}`);
  return fallback;
}
