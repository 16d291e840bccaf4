// The Vite plugin with a bearer-mode config: Vite's configResolved runs the worker's own
// validation (a bad config stops Vite, naming the key), and the worker it emits carries the
// config built in. Vite itself is not started: the plugin's hooks are called as Vite calls them.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResolvedConfig } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';
import type { TokenBrokerOptions } from '../../../src/sw/config.ts';
import { TokenBrokerError } from '../../../src/sw/errors.ts';
import { tokenBroker } from '../../../src/vite/token-broker-plugin.ts';
import { VALID_JSON, VALID_OAUTH } from '../sw/config-fuzz-inputs.ts';

// Stand-ins for the built worker and register script, which the plugin reads from the package.
const filesDir = mkdtempSync(join(tmpdir(), 'token-broker-plugin-'));
writeFileSync(join(filesDir, 'token-broker-sw.js'), '/* the worker */\n');
writeFileSync(join(filesDir, 'token-broker-register.js'), '/* the register script */\n');
afterAll(() => rmSync(filesDir, { recursive: true, force: true }));

function startVite(config: TokenBrokerOptions): { emitted: Map<string, string> } {
  const plugin = tokenBroker(config, { filesDir });
  const configResolved = plugin.configResolved as (resolved: ResolvedConfig) => void;
  configResolved({ base: '/' } as ResolvedConfig);
  const emitted = new Map<string, string>();
  const generateBundle = plugin.generateBundle as (this: { emitFile(file: { fileName: string; source: string }): void }) => void;
  generateBundle.call({ emitFile: ({ fileName, source }) => void emitted.set(fileName, source) });
  return { emitted };
}

function problemsOf(config: TokenBrokerOptions): readonly string[] {
  try {
    startVite(config);
  } catch (error) {
    expect(error).toBeInstanceOf(TokenBrokerError);
    return (error as TokenBrokerError<'invalid-config'>).details.problems;
  }
  return [];
}

describe('tokenBroker(), the Vite plugin, in bearer mode', () => {
  it('passes an oauth and a json config, and emits the worker with each built in', () => {
    for (const config of [VALID_OAUTH, VALID_JSON]) {
      const { emitted } = startVite(config);
      expect(emitted.get('token-broker-sw.js')).toBe(`self.__TOKEN_BROKER_CONFIG__ = ${JSON.stringify(config)};\n/* the worker */\n`);
      expect(emitted.get('token-broker-register.js')).toBe('/* the register script */\n');
    }
  });

  it('fails naming oauth.tokenEndpoint when it is not a URL, or lies inside an api prefix', () => {
    expect(problemsOf({ ...VALID_OAUTH, oauth: { tokenEndpoint: 'ftp://auth.example/token' } })).toEqual([
      '"oauth.tokenEndpoint" must use http or https; got "ftp:"',
    ]);
    expect(problemsOf({ ...VALID_OAUTH, oauth: { tokenEndpoint: 'https://api.example/v1/token' } })).toEqual([
      '"oauth.tokenEndpoint" must not be inside an "api" prefix (https://api.example/v1/): the broker would hold the refresh behind itself',
    ]);
  });

  it('fails naming a json key and a cookie-mode key given in bearer mode', () => {
    expect(problemsOf({ ...VALID_JSON, json: { refreshUrl: '/auth/refresh', expiresInField: '9lives' } })[0]).toMatch(/^"json\.expiresInField" must be a JSON field name/);
    // The type refuses it too; a config read from JSON reaches the plugin untyped.
    expect(problemsOf({ ...VALID_JSON, learnLifetime: true } as unknown as TokenBrokerOptions)).toEqual([
      '"learnLifetime" is a cookie-mode key; a bearer-mode config ("json") has none',
    ]);
  });
});
