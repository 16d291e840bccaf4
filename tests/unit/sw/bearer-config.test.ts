import { describe, expect, it } from 'vitest';
import { isBearerMode, resolveConfig, type BearerModeConfig } from '../../../src/sw/config.ts';

const ORIGIN = 'https://app.example';

describe('resolveConfig in bearer mode', () => {
  it('resolves the contract example exactly, with the defaults filled in', () => {
    const config = resolveConfig({ api: ['https://api.example.com/v1/'], oauth: { tokenEndpoint: 'https://auth.example.com/oauth/token' } }, ORIGIN);
    expect(isBearerMode(config)).toBe(true);
    expect(config).toEqual<BearerModeConfig>({
      api: [{ origin: 'https://api.example.com', pathPrefix: '/v1/' }],
      bearer: {
        protocol: 'oauth',
        tokenEndpoint: 'https://auth.example.com/oauth/token',
        loginUrls: [],
        exposeAccessToken: false,
        persistTokens: true,
        fields: { accessToken: 'access_token', refreshToken: 'refresh_token', expiresIn: 'expires_in', requestRefreshToken: 'refresh_token' },
      },
      refreshTimeoutMs: 10_000,
      cooldownMs: 3_000,
      maxReplayBodyBytes: 10 * 1024 * 1024,
      maxHeldBodyBytes: 32 * 1024 * 1024,
      maxConcurrentRequests: 16,
      expiredWhen: { status: [401] },
      refreshAheadMs: 30_000,
      debug: false,
    });
    expect(Object.isFrozen((config as BearerModeConfig).bearer.fields)).toBe(true);
  });

  it('resolves the generic JSON variant against the worker origin, with its field names', () => {
    const config = resolveConfig({
      api: ['/api/'],
      json: { refreshUrl: '/auth/refresh', loginUrls: ['/auth/login'], logoutUrl: '/auth/logout', accessTokenField: 'token', expiresInField: 'ttl' },
    }, ORIGIN) as BearerModeConfig;
    expect(config.bearer).toEqual({
      protocol: 'json',
      tokenEndpoint: `${ORIGIN}/auth/refresh`,
      loginUrls: [`${ORIGIN}/auth/login`],
      revocationEndpoint: `${ORIGIN}/auth/logout`,
      exposeAccessToken: false,
      persistTokens: true,
      fields: { accessToken: 'token', refreshToken: 'refreshToken', expiresIn: 'ttl', requestRefreshToken: 'refreshToken' },
    });
  });

  it('keeps cookie mode a cookie-mode config', () => {
    expect(isBearerMode(resolveConfig({ api: ['/api/'], refresh: { url: '/token/refresh' } }, ORIGIN))).toBe(false);
  });
});
