// Many broken configs, each made from a valid one by putting one bad value at one key: every one
// must be refused with a problem that names that key, never accepted silently, never a crash.

import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/sw/config.ts';
import { TokenBrokerError } from '../../../src/sw/errors.ts';

const ORIGIN = 'https://app.example';
const VALID = {
  preset: 'flask-jwt-extended',
  api: ['/api/'],
  refresh: { url: '/token/refresh', method: 'POST', headers: { 'X-CSRF-TOKEN': { cookie: 'csrf_refresh_token' } }, credentials: 'same-origin' },
  headers: { 'X-CSRF-TOKEN': { cookie: 'csrf_access_token' } },
  refreshTimeoutMs: 10_000,
  cooldownMs: 3_000,
  maxReplayBodyBytes: 1_000,
  maxHeldBodyBytes: 4_000,
  maxConcurrentRequests: 8,
  expiredWhen: { status: [401], jsonField: { name: 'msg', values: ['Token has expired'] }, wwwAuthenticate: 'invalid_token' },
  accessExpiry: { cookie: 'csrf_access_token' },
  refreshAheadMs: 2_000,
};

const BAD_VALUES: unknown[] = [null, 0, -1, 1.5, 'text', '', [], [1], {}, { cookie: 1 }, true, 'ftp://files.example/', '/api/?q=1'];

/** Where a bad value goes, and the key the problem must name. */
const isEmptyObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;

const TARGETS: { path: (string | number)[]; key: string; accepts?: (value: unknown) => boolean }[] = [
  { path: ['preset'], key: 'preset' },
  { path: ['api'], key: 'api' },
  { path: ['api', 0], key: 'api[0]' },
  { path: ['refresh'], key: 'refresh' },
  { path: ['refresh', 'url'], key: 'refresh.url' },
  { path: ['refresh', 'method'], key: 'refresh.method' },
  { path: ['refresh', 'headers'], key: 'refresh.headers', accepts: isEmptyObject },
  { path: ['refresh', 'headers', 'X-CSRF-TOKEN'], key: 'refresh.headers.X-CSRF-TOKEN', accepts: (v) => typeof v === 'string' },
  { path: ['refresh', 'credentials'], key: 'refresh.credentials' },
  { path: ['headers'], key: 'headers', accepts: isEmptyObject },
  { path: ['headers', 'X-CSRF-TOKEN'], key: 'headers.X-CSRF-TOKEN', accepts: (v) => typeof v === 'string' },
  { path: ['refreshTimeoutMs'], key: 'refreshTimeoutMs' },
  { path: ['cooldownMs'], key: 'cooldownMs' },
  { path: ['maxReplayBodyBytes'], key: 'maxReplayBodyBytes' },
  { path: ['maxHeldBodyBytes'], key: 'maxHeldBodyBytes' },
  { path: ['maxConcurrentRequests'], key: 'maxConcurrentRequests' },
  { path: ['expiredWhen'], key: 'expiredWhen', accepts: isEmptyObject },
  { path: ['expiredWhen', 'status'], key: 'expiredWhen.status' },
  { path: ['expiredWhen', 'jsonField'], key: 'expiredWhen.jsonField' },
  { path: ['expiredWhen', 'wwwAuthenticate'], key: 'expiredWhen.wwwAuthenticate', accepts: (v) => typeof v === 'string' && v !== '' },
  { path: ['accessExpiry'], key: 'accessExpiry' },
  { path: ['refreshAheadMs'], key: 'refreshAheadMs' },
];

function withValueAt(path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(VALID) as Record<string | number, unknown>;
  let node = copy;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
  return copy;
}

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
