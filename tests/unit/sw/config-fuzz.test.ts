// Many broken configs, each made from a valid one by putting one bad value at one key: every one
// must be refused with a problem that names that key, never accepted silently, never a crash.

import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/sw/config.ts';
import { TokenBrokerError } from '../../../src/sw/errors.ts';
import { BAD_VALUES, ORIGIN, TARGETS, VALID, withValueAt } from './config-fuzz-inputs.ts';

describe('resolveConfig, fuzzed', () => {
  it('accepts the valid base config', () => {
    expect(() => resolveConfig(VALID, ORIGIN)).not.toThrow();
  });

  let cases = 0;
  for (const target of TARGETS) {
    for (const value of BAD_VALUES) {
      if (target.accepts?.(value)) continue;
      cases += 1;
      it(`refuses ${JSON.stringify(value)} at ${target.key}, naming the key`, () => {
        let problems: readonly string[] = [];
        try {
          resolveConfig(withValueAt(target.path, value), ORIGIN);
        } catch (error) {
          expect(error).toBeInstanceOf(TokenBrokerError);
          problems = (error as TokenBrokerError<'invalid-config'>).details.problems;
        }
        expect(problems.length).toBeGreaterThan(0);
        expect(problems.some((problem) => problem.startsWith(`"${target.key}`))).toBe(true);
      });
    }
  }

  it('refuses unknown keys at every level, and a refresh URL inside api', () => {
    for (const [path, key] of [[['extra'], 'extra'], [['refresh', 'retry'], 'refresh.retry'], [['expiredWhen', 'body'], 'expiredWhen.body']] as const) {
      expect(() => resolveConfig(withValueAt([...path], 1), ORIGIN)).toThrow(`"${key}" is not a known key`);
    }
    expect(() => resolveConfig(withValueAt(['refresh', 'url'], '/api/refresh'), ORIGIN)).toThrow('"refresh.url" must not be inside an "api" prefix');
    expect(() => resolveConfig(withValueAt(['maxHeldBodyBytes'], 999), ORIGIN)).toThrow('"maxHeldBodyBytes" must be at least maxReplayBodyBytes (1000)');
    expect(cases).toBeGreaterThan(200);
  });
});

// Bearer mode: the same fuzz over both of its variants.
const VALID_OAUTH = {
  api: ['https://api.example/v1/'],
  oauth: {
    tokenEndpoint: 'https://auth.example/oauth/token',
    revocationEndpoint: 'https://auth.example/oauth/revoke',
    endSessionEndpoint: 'https://auth.example/session/end',
    exposeAccessToken: false,
    persistTokens: true,
  },
  refreshTimeoutMs: 10_000,
  refreshAheadMs: 30_000,
  expiredWhen: { status: [401], wwwAuthenticate: 'invalid_token' },
};
const VALID_JSON = {
  api: ['/api/'],
  json: {
    refreshUrl: '/auth/refresh',
    loginUrls: ['/auth/login'],
    logoutUrl: '/auth/logout',
    requestField: 'refreshToken',
    accessTokenField: 'accessToken',
    refreshTokenField: 'refreshToken',
    expiresInField: 'expiresIn',
    exposeAccessToken: true,
    persistTokens: false,
  },
};
const isFieldName = (v: unknown) => typeof v === 'string' && /^[A-Za-z_]/.test(v);

const BEARER_TARGETS: { base: object; path: (string | number)[]; key: string; accepts?: (value: unknown) => boolean }[] = [
  { base: VALID_OAUTH, path: ['api'], key: 'api' },
  { base: VALID_OAUTH, path: ['oauth'], key: 'oauth' },
  { base: VALID_OAUTH, path: ['oauth', 'tokenEndpoint'], key: 'oauth.tokenEndpoint' },
  { base: VALID_OAUTH, path: ['oauth', 'revocationEndpoint'], key: 'oauth.revocationEndpoint' },
  { base: VALID_OAUTH, path: ['oauth', 'endSessionEndpoint'], key: 'oauth.endSessionEndpoint' },
  { base: VALID_OAUTH, path: ['oauth', 'exposeAccessToken'], key: 'oauth.exposeAccessToken', accepts: (v) => typeof v === 'boolean' },
  { base: VALID_OAUTH, path: ['oauth', 'persistTokens'], key: 'oauth.persistTokens', accepts: (v) => typeof v === 'boolean' },
  { base: VALID_OAUTH, path: ['refreshAheadMs'], key: 'refreshAheadMs' },
  { base: VALID_OAUTH, path: ['expiredWhen', 'status'], key: 'expiredWhen.status' },
  { base: VALID_JSON, path: ['json'], key: 'json' },
  { base: VALID_JSON, path: ['json', 'refreshUrl'], key: 'json.refreshUrl' },
  { base: VALID_JSON, path: ['json', 'loginUrls'], key: 'json.loginUrls', accepts: (v) => Array.isArray(v) && v.length === 0 },
  { base: VALID_JSON, path: ['json', 'loginUrls', 0], key: 'json.loginUrls[0]' },
  { base: VALID_JSON, path: ['json', 'logoutUrl'], key: 'json.logoutUrl' },
  { base: VALID_JSON, path: ['json', 'requestField'], key: 'json.requestField', accepts: isFieldName },
  { base: VALID_JSON, path: ['json', 'accessTokenField'], key: 'json.accessTokenField', accepts: (v) => isFieldName(v) && v !== 'refreshToken' },
  { base: VALID_JSON, path: ['json', 'refreshTokenField'], key: 'json.refreshTokenField', accepts: (v) => isFieldName(v) && v !== 'accessToken' },
  { base: VALID_JSON, path: ['json', 'expiresInField'], key: 'json.expiresInField', accepts: isFieldName },
  { base: VALID_JSON, path: ['json', 'exposeAccessToken'], key: 'json.exposeAccessToken', accepts: (v) => typeof v === 'boolean' },
  { base: VALID_JSON, path: ['json', 'persistTokens'], key: 'json.persistTokens', accepts: (v) => typeof v === 'boolean' },
];

function bearerWithValueAt(base: object, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let node = copy;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
  return copy;
}

function problemsOf(raw: unknown): readonly string[] {
  try {
    resolveConfig(raw, ORIGIN);
  } catch (error) {
    expect(error).toBeInstanceOf(TokenBrokerError);
    return (error as TokenBrokerError<'invalid-config'>).details.problems;
  }
  return [];
}

describe('resolveConfig in bearer mode, fuzzed', () => {
  it('accepts both valid base configs', () => {
    expect(() => resolveConfig(VALID_OAUTH, ORIGIN)).not.toThrow();
    expect(() => resolveConfig(VALID_JSON, ORIGIN)).not.toThrow();
  });

  let cases = 0;
  for (const target of BEARER_TARGETS) {
    for (const value of [...BAD_VALUES, false, 'has space', 'x'.repeat(65)]) {
      if (target.accepts?.(value)) continue;
      cases += 1;
      it(`refuses ${JSON.stringify(value)} at ${target.key}, naming the key`, () => {
        const problems = problemsOf(bearerWithValueAt(target.base, target.path, value));
        expect(problems.length).toBeGreaterThan(0);
        expect(problems.some((problem) => problem.startsWith(`"${target.key}`))).toBe(true);
      });
    }
  }

  it('refuses unknown keys, cookie-mode keys, two modes at once, and endpoints inside api', () => {
    expect(problemsOf(bearerWithValueAt(VALID_OAUTH, ['oauth', 'clientSecret'], 's'))).toEqual([
      '"oauth.clientSecret" is not a known key (known: tokenEndpoint, revocationEndpoint, endSessionEndpoint, exposeAccessToken, persistTokens)',
    ]);
    expect(problemsOf(bearerWithValueAt(VALID_JSON, ['json', 'fields'], {}))[0]).toMatch(/^"json.fields" is not a known key/);
    for (const key of ['preset', 'headers', 'accessExpiry']) {
      expect(problemsOf(bearerWithValueAt(VALID_OAUTH, [key], { cookie: 'x' }))).toContain(
        `"${key}" is a cookie-mode key; a bearer-mode config ("oauth") has none`);
    }
    expect(problemsOf({ ...VALID_OAUTH, refresh: { url: '/r' } })).toEqual([
      '"oauth" cannot be combined with "refresh": a config is in one mode (cookie: "refresh"; bearer: "oauth" or "json")',
    ]);
    expect(problemsOf({ ...VALID_OAUTH, json: VALID_JSON.json })).toContain(
      '"json" cannot be combined with "oauth": a config is in one mode (cookie: "refresh"; bearer: "oauth" or "json")');
    expect(problemsOf(bearerWithValueAt(VALID_OAUTH, ['oauth', 'tokenEndpoint'], 'https://api.example/v1/token'))).toEqual([
      '"oauth.tokenEndpoint" must not be inside an "api" prefix (https://api.example/v1/): the broker would hold the refresh behind itself',
    ]);
    expect(problemsOf(bearerWithValueAt(VALID_JSON, ['json', 'logoutUrl'], '/api/logout'))[0]).toMatch(/^"json.logoutUrl" must not be inside/);
    expect(problemsOf(bearerWithValueAt(VALID_JSON, ['json', 'refreshTokenField'], 'accessToken'))).toEqual([
      '"json.refreshTokenField" must differ from "json.accessTokenField" ("accessToken")',
    ]);
    expect(cases).toBeGreaterThan(200);
  });
});
