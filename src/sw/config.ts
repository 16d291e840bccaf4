// The broker's config: what the user writes (TokenBrokerOptions, every optional field with its
// default) and the resolved form the rest of the worker reads (TokenBrokerConfig, frozen).
// It is validated once, at install; every problem found is reported with the key it belongs to.
// One config is in one credential mode: cookie mode ("refresh") or bearer mode ("oauth" or
// "json", bearer-config.ts); the keys of the other mode are refused, not ignored.

import {
  deepFreeze, describe, isPlainObject, parsePositiveInteger, parseHeaders, parseUrlPrefix, reportUnknownKeys, type Report,
} from './config-fields.ts';
import {
  bearerEndpoints, COOKIE_MODE_KEYS, DEFAULT_BEARER_REFRESH_AHEAD_MS, parseJsonBackend, parseOAuth,
  type BearerConfig, type JsonBackendOptions, type OAuthOptions,
} from './bearer-config.ts';
import { NAMESPACE_PATTERN } from './broker-names.ts';
import { TokenBrokerError } from './errors.ts';
import { PRESETS, type PresetName } from './presets.ts';

/** A header's value: a literal string, or the current value of a cookie of the worker's origin. */
export type HeaderValue = string | { cookie: string };

interface CommonOptions {
  /** Where editors find the config's JSON Schema; ignored by the worker. */
  $schema?: string;
  /** Path prefixes on the page's origin ("/api/") or absolute URL prefixes ("https://api.example.com/v1/"). */
  api: readonly string[];
  /** Names this broker's database, lock and channel (`token-broker:NAMESPACE`). Brokers with the
   * same namespace share them (one app registered at two scopes); "" is the names of the scope "/".
   * @default the worker's scope without its outer slashes ("/app/" gives "app"; "/" gives "") */
  namespace?: string;
  /** Says on the worker's console what it decided for each brokered request (held, refreshed,
   * replayed, passed through), with the URL's path only: never a query, a header or a value. @default false */
  debug?: boolean;
  /** How long a refresh (waiting for the lock included) may take before it counts as failed. @default 10000 */
  refreshTimeoutMs?: number;
  /** After a refresh, a 401 on a request stamped with that new generation within this window is
   * not taken for an expiry; after a failed refresh, no new refresh starts within it. @default 3000 */
  cooldownMs?: number;
  /** Request bodies up to this size are kept for a replay; larger ones are sent once. @default 10485760 */
  maxReplayBodyBytes?: number;
  /** At most this many bytes of bodies kept for a replay, all requests together; a body beyond it
   * is sent once, as it came (its 401 goes back to the page). At least `maxReplayBodyBytes`.
   * @default 33554432, or `maxReplayBodyBytes` when that is larger */
  maxHeldBodyBytes?: number;
  /** At most this many brokered requests on the wire at once; the others wait in the worker,
   * where a refresh can pass them and they can be held for it. @default 16 */
  maxConcurrentRequests?: number;
  /** Which answers mean "the access token expired": only those start a refresh and a replay;
   * any other answer goes back to the page as it came. @default { "status": [401] } */
  expiredWhen?: {
    /** @default [401] */
    status?: readonly number[];
    /** The answer's JSON body must hold one of `values` at its top-level key `name`. */
    jsonField?: { name: string; values: readonly string[] };
    /** The answer's WWW-Authenticate header must contain this text, e.g. 'error="invalid_token"'. */
    wwwAuthenticate?: string;
  };
  /** A request made less than this before the access token's known expiry refreshes first, and
   * meets no 401. Bearer mode caps it at half the token's lifetime.
   * @default 2000 in cookie mode, 30000 in bearer mode */
  refreshAheadMs?: number;
}

/** The keys of the other modes: a config is in one mode, and its type refuses the others' keys as the worker does. */
type NoneOf<Key extends string> = { [key in Key]?: never };
type CookieModeKey = 'preset' | 'refresh' | 'headers' | 'accessExpiry' | 'learnLifetime';

/** Cookie mode: the JWTs ride in HttpOnly cookies (flask-jwt-extended and the like). */
export interface CookieModeOptions extends CommonOptions, NoneOf<'oauth' | 'json'> {
  /** Fills in a backend's default header and cookie names; explicit keys win. */
  preset?: PresetName;
  refresh: {
    /** The refresh endpoint: a path on the page's origin or an absolute URL. Never an API route; the page's own call to it joins the one refresh. */
    url: string;
    /** @default "POST" */
    method?: 'POST' | 'GET' | 'PUT' | 'PATCH';
    /** Headers of the refresh request. @default {} */
    headers?: Readonly<Record<string, HeaderValue>>;
    /** @default "same-origin" */
    credentials?: RequestCredentials;
    /** A 401/403 of the refresh endpoint whose JSON body holds one of `values` at `name` is a failed
     * refresh (the server refused the request's headers, e.g. a missing CSRF value, before it looked
     * at the refresh token), not an ended session. Any other 401/403 ends the session. */
    failedWhen?: { jsonField: { name: string; values: readonly string[] } };
  };
  /** Headers set on every brokered request and replay, from their current source. @default {} */
  headers?: Readonly<Record<string, HeaderValue>>;
  /** A script-readable cookie that expires with the access token: when its expiry is known, a
   * request made less than `refreshAheadMs` before it refreshes first, and meets no 401. */
  accessExpiry?: { cookie: string };
  /** Learn how long credentials live from the expiries seen, and refresh `refreshAheadMs` ahead of
   * the next one where no cookie tells the expiry (lifetime-learner.ts). @default true */
  learnLifetime?: boolean;
}

/** Bearer mode, OAuth 2: the worker keeps the tokens the token endpoint gives the page's library. */
export interface OAuthModeOptions extends CommonOptions, NoneOf<CookieModeKey | 'json'> {
  oauth: OAuthOptions;
}

/** Bearer mode, a hand-made backend whose token answers are JSON with configurable field names. */
export interface JsonModeOptions extends CommonOptions, NoneOf<CookieModeKey | 'oauth'> {
  json: JsonBackendOptions;
}

export type TokenBrokerOptions = CookieModeOptions | OAuthModeOptions | JsonModeOptions;

export const DEFAULT_REFRESH_METHOD = 'POST';
export const DEFAULT_REFRESH_CREDENTIALS: RequestCredentials = 'same-origin';
export const DEFAULT_REFRESH_TIMEOUT_MS = 10_000;
export const DEFAULT_COOLDOWN_MS = 3_000;
export const DEFAULT_MAX_REPLAY_BODY_BYTES = 10 * 1024 * 1024;
export const DEFAULT_MAX_HELD_BODY_BYTES = 32 * 1024 * 1024;
export const DEFAULT_EXPIRED_STATUS: readonly number[] = [401];
export const DEFAULT_REFRESH_AHEAD_MS = 2_000;
export const DEFAULT_MAX_CONCURRENT_REQUESTS = 16;

/** "The answer's JSON body holds one of `values` at its top-level key `name`." */
export interface JsonFieldRule {
  readonly name: string;
  readonly values: readonly string[];
}

/** An API prefix resolved against the worker's origin. */
export interface ApiPrefix {
  readonly origin: string;
  readonly pathPrefix: string;
}

interface CommonConfig {
  readonly api: readonly ApiPrefix[];
  readonly refreshTimeoutMs: number;
  readonly cooldownMs: number;
  readonly maxReplayBodyBytes: number;
  readonly maxHeldBodyBytes: number;
  readonly maxConcurrentRequests: number;
  readonly expiredWhen: {
    readonly status: readonly number[];
    readonly jsonField?: JsonFieldRule;
    readonly wwwAuthenticate?: string;
  };
  readonly refreshAheadMs: number;
  /** Absent: derived from the worker's scope (broker-names.ts). */
  readonly namespace?: string;
  readonly debug: boolean;
}

export interface CookieModeConfig extends CommonConfig {
  readonly refresh: {
    readonly url: string;
    readonly method: string;
    readonly headers: Readonly<Record<string, HeaderValue>>;
    readonly credentials: RequestCredentials;
    readonly failedWhen?: { readonly jsonField: JsonFieldRule };
  };
  readonly headers: Readonly<Record<string, HeaderValue>>;
  readonly accessExpiry?: { readonly cookie: string };
  readonly learnLifetime: boolean;
}

export interface BearerModeConfig extends CommonConfig {
  readonly bearer: BearerConfig;
}

export type TokenBrokerConfig = CookieModeConfig | BearerModeConfig;

export function isBearerMode(config: TokenBrokerConfig): config is BearerModeConfig {
  return 'bearer' in config;
}

// "$schema" lets editors find the config's JSON Schema (schema/token-broker.schema.json); the worker ignores it.
const TOP_LEVEL_KEYS = ['$schema', 'preset', 'api', 'refresh', 'oauth', 'json', 'headers', 'refreshTimeoutMs', 'cooldownMs', 'maxReplayBodyBytes',
  'maxHeldBodyBytes', 'maxConcurrentRequests', 'expiredWhen', 'accessExpiry', 'refreshAheadMs', 'learnLifetime',
  'namespace', 'debug'];
const MODE_KEYS = ['refresh', 'oauth', 'json'];
const EXPIRED_WHEN_KEYS = ['status', 'jsonField', 'wwwAuthenticate'];
const REFRESH_KEYS = ['url', 'method', 'headers', 'credentials', 'failedWhen'];
const REFRESH_METHODS = ['POST', 'GET', 'PUT', 'PATCH'];
const CREDENTIALS_MODES = ['omit', 'same-origin', 'include'];

/**
 * Validates what the user wrote and resolves it against `workerOrigin`.
 * Throws a TokenBrokerError 'invalid-config' listing every problem, each naming its key.
 */
export function resolveConfig(raw: unknown, workerOrigin: string): TokenBrokerConfig {
  const problems: string[] = [];
  const problem = (key: string, what: string) => problems.push(`"${key}" ${what}`);

  if (!isPlainObject(raw)) {
    throw new TokenBrokerError('invalid-config', { problems: [`the config must be a JSON object; got ${describe(raw)}`] });
  }
  reportUnknownKeys(raw, TOP_LEVEL_KEYS, '', problem);
  if (raw.$schema !== undefined && typeof raw.$schema !== 'string') problem('$schema', `must be a string (the URL of the config's JSON Schema); got ${describe(raw.$schema)}`);
  const modes = MODE_KEYS.filter((key) => raw[key] !== undefined);
  for (const extra of modes.slice(1)) {
    problem(extra, `cannot be combined with "${modes[0]}": a config is in one mode (cookie: "refresh"; bearer: "oauth" or "json")`);
  }
  const config = modes[0] === 'oauth' || modes[0] === 'json'
    ? resolveBearerMode(raw, modes[0], workerOrigin, problem)
    : resolveCookieMode(raw, workerOrigin, problem);
  if (problems.length > 0) throw new TokenBrokerError('invalid-config', { problems });
  return deepFreeze(config);
}

function resolveBearerMode(raw: Record<string, unknown>, mode: 'oauth' | 'json', workerOrigin: string, problem: Report): BearerModeConfig {
  for (const key of COOKIE_MODE_KEYS) {
    if (raw[key] !== undefined && !MODE_KEYS.includes(key)) problem(key, `is a cookie-mode key; a bearer-mode config ("${mode}") has none`);
  }
  const api = parseApi(raw, workerOrigin, problem);
  const bearer = mode === 'oauth' ? parseOAuth(raw.oauth, workerOrigin, problem) : parseJsonBackend(raw.json, workerOrigin, problem);
  const limits = parseLimits(raw, problem, undefined, DEFAULT_BEARER_REFRESH_AHEAD_MS);
  const fallback: BearerConfig = {
    protocol: mode, tokenEndpoint: '', loginUrls: [], exposeAccessToken: false, persistTokens: true,
    fields: { accessToken: '', refreshToken: '', expiresIn: '', requestRefreshToken: '' },
  };
  if (bearer) {
    for (const [key, url] of bearerEndpoints(bearer)) reportInsideApi(key, url, api, problem);
  }
  return { api, ...limits, bearer: bearer ?? fallback };
}

function resolveCookieMode(raw: Record<string, unknown>, workerOrigin: string, problem: Report): CookieModeConfig {
  let preset: (typeof PRESETS)[PresetName] | undefined;
  if (raw.preset !== undefined) {
    if (typeof raw.preset === 'string' && Object.hasOwn(PRESETS, raw.preset)) {
      preset = PRESETS[raw.preset as PresetName];
    } else {
      problem('preset', `must be one of ${Object.keys(PRESETS).map((n) => `"${n}"`).join(', ')}; got ${describe(raw.preset)}`);
    }
  }
  const api = parseApi(raw, workerOrigin, problem);

  let refreshUrl = '';
  let refreshMethod: string = preset?.refresh.method ?? DEFAULT_REFRESH_METHOD;
  let refreshCredentials = DEFAULT_REFRESH_CREDENTIALS;
  let refreshHeaders: Record<string, HeaderValue> = { ...preset?.refresh.headers };
  let refreshFailedWhen: CookieModeConfig['refresh']['failedWhen'] = preset?.refresh.failedWhen;
  if (!isPlainObject(raw.refresh)) {
    problem('refresh', `must be an object with at least "url"; got ${describe(raw.refresh)}${raw.refresh === undefined
      ? ' (bearer mode: give "oauth" or "json" instead)' : ''}`);
  } else {
    const refresh = raw.refresh;
    reportUnknownKeys(refresh, REFRESH_KEYS, 'refresh.', problem);
    const parsed = parseUrlPrefix(refresh.url, workerOrigin);
    if (typeof parsed === 'string') problem('refresh.url', parsed);
    else refreshUrl = parsed.origin + parsed.pathPrefix;
    if (refresh.method !== undefined) {
      if (typeof refresh.method === 'string' && REFRESH_METHODS.includes(refresh.method.toUpperCase())) {
        refreshMethod = refresh.method.toUpperCase();
      } else {
        problem('refresh.method', `must be one of ${REFRESH_METHODS.join(', ')}; got ${describe(refresh.method)}`);
      }
    }
    if (refresh.credentials !== undefined) {
      if (typeof refresh.credentials === 'string' && CREDENTIALS_MODES.includes(refresh.credentials)) {
        refreshCredentials = refresh.credentials as RequestCredentials;
      } else {
        problem('refresh.credentials', `must be one of ${CREDENTIALS_MODES.join(', ')}; got ${describe(refresh.credentials)}`);
      }
    }
    if (refresh.headers !== undefined) {
      refreshHeaders = { ...refreshHeaders, ...parseHeaders(refresh.headers, 'refresh.headers', problem) };
    }
    if (refresh.failedWhen !== undefined) {
      const failedWhen = refresh.failedWhen;
      const jsonField = isPlainObject(failedWhen) && Object.keys(failedWhen).length === 1 ? parseJsonFieldRule(failedWhen.jsonField) : undefined;
      if (jsonField) refreshFailedWhen = { jsonField };
      else problem('refresh.failedWhen', `must be { "jsonField": { "name": KEY, "values": [TEXT, ...] } }; got ${describe(failedWhen)}`);
    }
  }

  let headers: Record<string, HeaderValue> = { ...preset?.headers };
  if (raw.headers !== undefined) headers = { ...headers, ...parseHeaders(raw.headers, 'headers', problem) };
  const limits = parseLimits(raw, problem, preset?.expiredWhen, DEFAULT_REFRESH_AHEAD_MS);
  // Not `??`: null is a wrong value, not an absent key.
  const learnLifetime = raw.learnLifetime === undefined ? true : raw.learnLifetime;
  if (typeof learnLifetime !== 'boolean') problem('learnLifetime', `must be true or false; got ${describe(learnLifetime)}`);
  let accessExpiry: CookieModeConfig['accessExpiry'] = preset?.accessExpiry;
  if (raw.accessExpiry !== undefined) {
    const expiry = raw.accessExpiry;
    if (isPlainObject(expiry) && typeof expiry.cookie === 'string' && expiry.cookie !== '' && Object.keys(expiry).length === 1) {
      accessExpiry = { cookie: expiry.cookie };
    } else {
      problem('accessExpiry', `must be { "cookie": NAME }; got ${describe(expiry)}`);
    }
  }
  if (refreshUrl !== '') reportInsideApi('refresh.url', refreshUrl, api, problem);

  return {
    api,
    refresh: {
      url: refreshUrl, method: refreshMethod, headers: refreshHeaders, credentials: refreshCredentials,
      ...(refreshFailedWhen ? { failedWhen: refreshFailedWhen } : {}),
    },
    headers,
    ...limits,
    ...(accessExpiry ? { accessExpiry } : {}),
    learnLifetime: learnLifetime === true,
  };
}

function parseApi(raw: Record<string, unknown>, workerOrigin: string, problem: Report): ApiPrefix[] {
  const api: ApiPrefix[] = [];
  if (!Array.isArray(raw.api) || raw.api.length === 0) {
    problem('api', `must be a non-empty array of path prefixes ("/api/") or absolute URL prefixes; got ${describe(raw.api)}`);
  } else {
    raw.api.forEach((entry: unknown, index: number) => {
      const prefix = parseUrlPrefix(entry, workerOrigin);
      if (typeof prefix === 'string') problem(`api[${index}]`, prefix);
      else api.push(prefix);
    });
  }
  return api;
}

/** The keys every mode shares, but for "api". */
function parseLimits(
  raw: Record<string, unknown>, problem: Report, presetExpiredWhen: CommonConfig['expiredWhen'] | undefined, defaultRefreshAheadMs: number,
): Omit<CommonConfig, 'api'> {
  const refreshTimeoutMs = parsePositiveInteger(raw.refreshTimeoutMs, 'refreshTimeoutMs', DEFAULT_REFRESH_TIMEOUT_MS, problem);
  const cooldownMs = parsePositiveInteger(raw.cooldownMs, 'cooldownMs', DEFAULT_COOLDOWN_MS, problem);
  let replayBoundValid = true;
  const maxReplayBodyBytes = parsePositiveInteger(raw.maxReplayBodyBytes, 'maxReplayBodyBytes', DEFAULT_MAX_REPLAY_BODY_BYTES, (key, what) => {
    replayBoundValid = false;
    problem(key, what);
  });
  const maxHeldBodyBytes = parsePositiveInteger(raw.maxHeldBodyBytes, 'maxHeldBodyBytes',
    Math.max(DEFAULT_MAX_HELD_BODY_BYTES, maxReplayBodyBytes), problem);
  if (replayBoundValid && raw.maxHeldBodyBytes !== undefined && maxHeldBodyBytes < maxReplayBodyBytes) {
    problem('maxHeldBodyBytes', `must be at least maxReplayBodyBytes (${maxReplayBodyBytes}): a body within the replay bound must fit in the budget`);
  }
  const maxConcurrentRequests = parsePositiveInteger(raw.maxConcurrentRequests, 'maxConcurrentRequests', DEFAULT_MAX_CONCURRENT_REQUESTS, problem);
  const refreshAheadMs = parsePositiveInteger(raw.refreshAheadMs, 'refreshAheadMs', defaultRefreshAheadMs, problem);
  const expiredWhen = raw.expiredWhen === undefined
    ? presetExpiredWhen ?? { status: DEFAULT_EXPIRED_STATUS }
    : parseExpiredWhen(raw.expiredWhen, problem);
  if (raw.namespace !== undefined && (typeof raw.namespace !== 'string' || !NAMESPACE_PATTERN.test(raw.namespace))) {
    problem('namespace', `must be up to 100 letters, digits and . _ ~ / -; got ${describe(raw.namespace)}`);
  }
  if (raw.debug !== undefined && typeof raw.debug !== 'boolean') problem('debug', `must be true or false; got ${describe(raw.debug)}`);
  return {
    refreshTimeoutMs, cooldownMs, maxReplayBodyBytes, maxHeldBodyBytes, maxConcurrentRequests, expiredWhen, refreshAheadMs,
    ...(typeof raw.namespace === 'string' ? { namespace: raw.namespace } : {}),
    debug: raw.debug === true,
  };
}

/** A URL the broker treats as its own route must not also be an API route: it would hold it behind itself. */
function reportInsideApi(key: string, url: string, api: readonly ApiPrefix[], problem: Report): void {
  for (const prefix of api) {
    if (url.startsWith(prefix.origin + prefix.pathPrefix)) {
      problem(key, `must not be inside an "api" prefix (${prefix.origin}${prefix.pathPrefix}): the broker would hold the refresh behind itself`);
    }
  }
}

function parseExpiredWhen(value: unknown, problem: Report): CommonConfig['expiredWhen'] {
  if (!isPlainObject(value)) {
    problem('expiredWhen', `must be an object with "status", "jsonField" or "wwwAuthenticate"; got ${describe(value)}`);
    return { status: DEFAULT_EXPIRED_STATUS };
  }
  reportUnknownKeys(value, EXPIRED_WHEN_KEYS, 'expiredWhen.', problem);
  let status: readonly number[] = DEFAULT_EXPIRED_STATUS;
  if (value.status !== undefined) {
    if (Array.isArray(value.status) && value.status.length > 0 &&
      value.status.every((code: unknown) => Number.isInteger(code) && (code as number) >= 400 && (code as number) <= 499)) {
      status = value.status as number[];
    } else {
      problem('expiredWhen.status', `must be a non-empty array of 4xx status codes; got ${describe(value.status)}`);
    }
  }
  const result: { status: readonly number[]; jsonField?: JsonFieldRule; wwwAuthenticate?: string } = { status };
  if (value.jsonField !== undefined) {
    const jsonField = parseJsonFieldRule(value.jsonField);
    if (jsonField) result.jsonField = jsonField;
    else problem('expiredWhen.jsonField', `must be { "name": KEY, "values": [TEXT, ...] }; got ${describe(value.jsonField)}`);
  }
  if (value.wwwAuthenticate !== undefined) {
    if (typeof value.wwwAuthenticate === 'string' && value.wwwAuthenticate !== '') result.wwwAuthenticate = value.wwwAuthenticate;
    else problem('expiredWhen.wwwAuthenticate', `must be a non-empty string; got ${describe(value.wwwAuthenticate)}`);
  }
  return result;
}

function parseJsonFieldRule(field: unknown): JsonFieldRule | undefined {
  if (isPlainObject(field) && typeof field.name === 'string' && field.name !== '' && Array.isArray(field.values) &&
    field.values.length > 0 && field.values.every((v: unknown) => typeof v === 'string') && Object.keys(field).length === 2) {
    return { name: field.name, values: field.values as string[] };
  }
  return undefined;
}
