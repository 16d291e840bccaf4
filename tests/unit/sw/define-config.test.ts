// defineConfig's types are the check: `npm run typecheck` fails if a valid config of any mode is
// refused, or if a line marked @ts-expect-error (a misspelled or foreign key) is accepted.
// The runtime assertions only say that defineConfig hands back what it was given.

import { describe, expect, it } from 'vitest';
import { defineConfig } from '../../../src/sw/define-config.ts';
import type { TokenBrokerOptions } from '../../../src/sw/config.ts';

describe('defineConfig', () => {
  it('types a config of each mode, cookie, oauth and json, and returns it unchanged', () => {
    const cookie = defineConfig({ preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' }, learnLifetime: false });
    const oauth = defineConfig({
      api: ['https://api.example/v1/'],
      oauth: { tokenEndpoint: 'https://auth.example/oauth/token', revocationEndpoint: 'https://auth.example/oauth/revoke', persistTokens: false },
      refreshAheadMs: 30_000,
      namespace: 'shop',
    });
    const json = defineConfig({ api: ['/api/'], json: { refreshUrl: '/auth/refresh', loginUrls: ['/auth/login'], accessTokenField: 'token' }, debug: true });
    const typed: TokenBrokerOptions[] = [cookie, oauth, json];
    expect(typed.map((config) => Object.keys(config).find((key) => ['refresh', 'oauth', 'json'].includes(key)))).toEqual(['refresh', 'oauth', 'json']);
    expect(oauth.oauth.tokenEndpoint).toBe('https://auth.example/oauth/token');
  });

  it('refuses, by type, misspelled keys and keys of another mode', () => {
    const refused = [
      // @ts-expect-error: tokenEndpoint misspelled
      () => defineConfig({ api: ['/api/'], oauth: { tokenEndpiont: 'https://auth.example/token' } }),
      // @ts-expect-error: oauth has no clientSecret (the broker never holds one)
      () => defineConfig({ api: ['/api/'], oauth: { tokenEndpoint: 'https://auth.example/token', clientSecret: 's' } }),
      // @ts-expect-error: accessTokenField misspelled
      () => defineConfig({ api: ['/api/'], json: { refreshUrl: '/auth/refresh', accesTokenField: 'token' } }),
      // @ts-expect-error: refreshTimeoutMs misspelled, in a bearer config
      () => defineConfig({ api: ['/api/'], oauth: { tokenEndpoint: 'https://auth.example/token' }, refreshTimeoutMS: 5000 }),
      // @ts-expect-error: learnLifetime is a cookie-mode key
      () => defineConfig({ api: ['/api/'], oauth: { tokenEndpoint: 'https://auth.example/token' }, learnLifetime: true }),
      // @ts-expect-error: two modes at once
      () => defineConfig({ api: ['/api/'], oauth: { tokenEndpoint: 'https://auth.example/token' }, json: { refreshUrl: '/auth/refresh' } }),
      // @ts-expect-error: refresh.url misspelled, in a cookie config
      () => defineConfig({ api: ['/api/'], refresh: { ulr: '/token/refresh' } }),
    ];
    expect(refused).toHaveLength(7);
  });
});
