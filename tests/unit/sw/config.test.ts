import { describe, expect, it } from 'vitest';
import { resolveConfig, type TokenBrokerConfig } from '../../../src/sw/config.ts';
import { TokenBrokerError } from '../../../src/sw/errors.ts';

const ORIGIN = 'https://app.example';

function problemsOf(raw: unknown): string[] {
  try {
    resolveConfig(raw, ORIGIN);
  } catch (error) {
    expect(error).toBeInstanceOf(TokenBrokerError);
    return (error as TokenBrokerError<'invalid-config'>).details.problems as string[];
  }
  throw new Error('the config was accepted');
}

describe('resolveConfig', () => {
  it('resolves the contract example exactly, with the defaults filled in', () => {
    const config = resolveConfig({
      api: ['/api/'],
      refresh: { url: '/token/refresh', method: 'POST', headers: { 'X-CSRF-TOKEN': { cookie: 'csrf_refresh_token' } } },
      headers: { 'X-CSRF-TOKEN': { cookie: 'csrf_access_token' } },
    }, ORIGIN);
    expect(config).toEqual<TokenBrokerConfig>({
      api: [{ origin: ORIGIN, pathPrefix: '/api/' }],
      refresh: {
        url: `${ORIGIN}/token/refresh`,
        method: 'POST',
        headers: { 'X-CSRF-TOKEN': { cookie: 'csrf_refresh_token' } },
        credentials: 'same-origin',
      },
      headers: { 'X-CSRF-TOKEN': { cookie: 'csrf_access_token' } },
      refreshTimeoutMs: 10_000,
      cooldownMs: 3_000,
      maxReplayBodyBytes: 10 * 1024 * 1024,
      maxHeldBodyBytes: 32 * 1024 * 1024,
      maxConcurrentRequests: 16,
      expiredWhen: { status: [401] },
      refreshAheadMs: 2_000,
      debug: false,
    });
    expect(Object.isFrozen(config.refresh.headers)).toBe(true);
  });

  it('fills in the flask-jwt-extended names from the preset, and lets explicit keys win', () => {
    const config = resolveConfig({
      preset: 'flask-jwt-extended',
      api: ['/api/', 'https://api.example/v1/'],
      refresh: { url: '/refresh', headers: { 'X-Extra': 'yes' } },
      headers: { 'X-CSRF-TOKEN': { cookie: 'my_csrf' } },
    }, ORIGIN);
    expect(config.refresh.method).toBe('POST');
    expect(config.refresh.headers).toEqual({ 'X-CSRF-TOKEN': { cookie: 'csrf_refresh_token' }, 'X-Extra': 'yes' });
    expect(config.headers).toEqual({ 'X-CSRF-TOKEN': { cookie: 'my_csrf' } });
    expect(config.expiredWhen).toEqual({
      status: [401],
      jsonField: { name: 'msg', values: ['Token has expired', 'Missing cookie "access_token_cookie"'] },
    });
    expect(config.accessExpiry).toEqual({ cookie: 'csrf_access_token' });
    expect(config.refresh.failedWhen).toEqual({
      jsonField: { name: 'msg', values: ['Missing CSRF token', 'CSRF double submit tokens do not match'] },
    });
    expect(config.api).toEqual([
      { origin: ORIGIN, pathPrefix: '/api/' },
      { origin: 'https://api.example', pathPrefix: '/v1/' },
    ]);
  });

  it('reads refresh.failedWhen, the refresh answers that leave the session alive, and names a wrong one', () => {
    const config = resolveConfig({
      api: ['/api/'], refresh: { url: '/refresh', failedWhen: { jsonField: { name: 'error', values: ['csrf'] } } },
    }, ORIGIN);
    expect(config.refresh.failedWhen).toEqual({ jsonField: { name: 'error', values: ['csrf'] } });
    expect(resolveConfig({ api: ['/api/'], refresh: { url: '/refresh' } }, ORIGIN).refresh.failedWhen).toBeUndefined();
    expect(problemsOf({ api: ['/api/'], refresh: { url: '/refresh', failedWhen: { jsonField: { name: 'error' } } } })).toEqual([
      '"refresh.failedWhen" must be { "jsonField": { "name": KEY, "values": [TEXT, ...] } }; got an object',
    ]);
  });

  it('names every key that is wrong, with what is wrong with it', () => {
    expect(problemsOf({
      preset: 'django',
      api: ['api/', 42, 'ftp://files.example/'],
      refresh: { url: 7, method: 'DELETE', credentials: 'always', retries: 3 },
      headers: { 'X CSRF': 'x', 'X-Token': { cookie: '' } },
      refreshTimeoutMs: -1,
      cooldownMs: '3s',
      maxReplayBodyBytes: 1.5,
      extra: true,
    })).toEqual([
      '"extra" is not a known key (known: $schema, preset, api, refresh, headers, refreshTimeoutMs, cooldownMs, maxReplayBodyBytes, maxHeldBodyBytes, maxConcurrentRequests, expiredWhen, accessExpiry, refreshAheadMs, namespace, debug)',
      '"preset" must be one of "flask-jwt-extended"; got "django"',
      '"api[0]" must be a path starting with "/" or an absolute http(s) URL; got "api/"',
      '"api[1]" must be a path starting with "/" or an absolute http(s) URL; got number 42',
      '"api[2]" must use http or https; got "ftp:"',
      '"refresh.retries" is not a known key (known: url, method, headers, credentials, failedWhen)',
      '"refresh.url" must be a path starting with "/" or an absolute http(s) URL; got number 7',
      '"refresh.method" must be one of POST, GET, PUT, PATCH; got "DELETE"',
      '"refresh.credentials" must be one of omit, same-origin, include; got "always"',
      '"headers.X CSRF" is not a valid header name',
      '"headers.X-Token" must be a string or { "cookie": NAME }; got an object',
      '"refreshTimeoutMs" must be a positive whole number; got number -1',
      '"cooldownMs" must be a positive whole number; got "3s"',
      '"maxReplayBodyBytes" must be a positive whole number; got number 1.5',
    ]);
  });

  it('rejects a config that is not an object, or lacks api and refresh', () => {
    expect(problemsOf(null)).toEqual(['the config must be a JSON object; got null']);
    expect(problemsOf([])).toEqual(['the config must be a JSON object; got an array of 0']);
    expect(problemsOf({})).toEqual([
      '"api" must be a non-empty array of path prefixes ("/api/") or absolute URL prefixes; got nothing',
      '"refresh" must be an object with at least "url"; got nothing',
    ]);
    expect(problemsOf({ api: [], refresh: { url: '/r?x=1' } })).toEqual([
      '"api" must be a non-empty array of path prefixes ("/api/") or absolute URL prefixes; got an array of 0',
      '"refresh.url" must not have a query or a fragment',
    ]);
  });

  it('checks what counts as an expiry answer, and the access expiry cookie', () => {
    expect(problemsOf({
      api: ['/api/'],
      refresh: { url: '/r' },
      expiredWhen: { status: [200], jsonField: { name: 'msg' }, wwwAuthenticate: '', body: 1 },
      accessExpiry: 'csrf_access_token',
      refreshAheadMs: 0,
    })).toEqual([
      '"refreshAheadMs" must be a positive whole number; got number 0',
      '"expiredWhen.body" is not a known key (known: status, jsonField, wwwAuthenticate)',
      '"expiredWhen.status" must be a non-empty array of 4xx status codes; got an array of 1',
      '"expiredWhen.jsonField" must be { "name": KEY, "values": [TEXT, ...] }; got an object',
      '"expiredWhen.wwwAuthenticate" must be a non-empty string; got ""',
      '"accessExpiry" must be { "cookie": NAME }; got "csrf_access_token"',
    ]);
    const config = resolveConfig({
      api: ['/api/'], refresh: { url: '/r' }, expiredWhen: { status: [401, 403], wwwAuthenticate: 'error="invalid_token"' },
    }, ORIGIN);
    expect(config.expiredWhen).toEqual({ status: [401, 403], wwwAuthenticate: 'error="invalid_token"' });
  });

  it('bounds the bytes of held bodies: 32 MiB by default, never below maxReplayBodyBytes', () => {
    const base = { api: ['/api/'], refresh: { url: '/r' } };
    expect(resolveConfig(base, ORIGIN).maxHeldBodyBytes).toBe(32 * 1024 * 1024);
    expect(resolveConfig({ ...base, maxReplayBodyBytes: 64 * 1024 * 1024 }, ORIGIN).maxHeldBodyBytes).toBe(64 * 1024 * 1024);
    expect(resolveConfig({ ...base, maxReplayBodyBytes: 1_000, maxHeldBodyBytes: 1_000 }, ORIGIN).maxHeldBodyBytes).toBe(1_000);
    expect(problemsOf({ ...base, maxHeldBodyBytes: 1_000 })).toEqual([
      '"maxHeldBodyBytes" must be at least maxReplayBodyBytes (10485760): a body within the replay bound must fit in the budget',
    ]);
    expect(problemsOf({ ...base, maxHeldBodyBytes: 0 })).toEqual(['"maxHeldBodyBytes" must be a positive whole number; got number 0']);
  });

  it('refuses a refresh URL inside an api prefix', () => {
    expect(problemsOf({ api: ['/api/'], refresh: { url: '/api/token/refresh' } })).toEqual([
      '"refresh.url" must not be inside an "api" prefix (https://app.example/api/): the broker would hold the refresh behind itself',
    ]);
  });

  it('puts the problems in the error message, which says the broker will not install', () => {
    expect(() => resolveConfig({ api: '/api/', refresh: { url: '/r' } }, ORIGIN)).toThrow(
      'token-broker: the config is invalid, the broker will not install:\n  - "api" must be a non-empty array',
    );
  });
});
