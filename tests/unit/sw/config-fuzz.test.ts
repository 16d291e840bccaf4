// Many broken configs, each made from a valid one by putting one bad value at one key: every one
// must be refused with a problem that names that key, never accepted silently, never a crash.

import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/sw/config.ts';
import { TokenBrokerError } from '../../../src/sw/errors.ts';
import {
  BAD_VALUES, BEARER_BAD_VALUES, BEARER_TARGETS, ORIGIN, TARGETS, VALID, VALID_JSON, VALID_OAUTH, withValueAt,
} from './config-fuzz-inputs.ts';

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
    for (const value of BEARER_BAD_VALUES) {
      if (target.accepts?.(value)) continue;
      cases += 1;
      it(`refuses ${JSON.stringify(value)} at ${target.key}, naming the key`, () => {
        const problems = problemsOf(withValueAt(target.path, value, target.base));
        expect(problems.length).toBeGreaterThan(0);
        expect(problems.some((problem) => problem.startsWith(`"${target.key}`))).toBe(true);
      });
    }
  }

  it('refuses unknown keys, cookie-mode keys, two modes at once, and endpoints inside api', () => {
    expect(problemsOf(withValueAt(['oauth', 'clientSecret'], 's', VALID_OAUTH))).toEqual([
      '"oauth.clientSecret" is not a known key (known: tokenEndpoint, revocationEndpoint, endSessionEndpoint, exposeAccessToken, persistTokens)',
    ]);
    expect(problemsOf(withValueAt(['json', 'fields'], {}, VALID_JSON))[0]).toMatch(/^"json.fields" is not a known key/);
    for (const key of ['preset', 'headers', 'accessExpiry']) {
      expect(problemsOf(withValueAt([key], { cookie: 'x' }, VALID_OAUTH))).toContain(
        `"${key}" is a cookie-mode key; a bearer-mode config ("oauth") has none`);
    }
    expect(problemsOf({ ...VALID_OAUTH, refresh: { url: '/r' } })).toEqual([
      '"oauth" cannot be combined with "refresh": a config is in one mode (cookie: "refresh"; bearer: "oauth" or "json")',
    ]);
    expect(problemsOf({ ...VALID_OAUTH, json: VALID_JSON.json })).toContain(
      '"json" cannot be combined with "oauth": a config is in one mode (cookie: "refresh"; bearer: "oauth" or "json")');
    expect(problemsOf(withValueAt(['oauth', 'tokenEndpoint'], 'https://api.example/v1/token', VALID_OAUTH))).toEqual([
      '"oauth.tokenEndpoint" must not be inside an "api" prefix (https://api.example/v1/): the broker would hold the refresh behind itself',
    ]);
    expect(problemsOf(withValueAt(['json', 'logoutUrl'], '/api/logout', VALID_JSON))[0]).toMatch(/^"json.logoutUrl" must not be inside/);
    expect(problemsOf(withValueAt(['json', 'refreshTokenField'], 'accessToken', VALID_JSON))).toEqual([
      '"json.refreshTokenField" must differ from "json.accessTokenField" ("accessToken")',
    ]);
    expect(cases).toBeGreaterThan(200);
  });
});
