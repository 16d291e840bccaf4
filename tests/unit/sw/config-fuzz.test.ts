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
