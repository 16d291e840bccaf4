// The hand-made JSON token backend: login, rotation, reuse revocation, and the counters.
import { describe, expect, it } from 'vitest';
import { createDemoApp } from '../../../../src/server/app.ts';

interface Tokens { accessToken: string; refreshToken: string; expiresIn: number }

function post(demo: ReturnType<typeof createDemoApp>, path: string, body: unknown): Promise<Response> {
  return Promise.resolve(demo.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
}

describe('the hand-made JSON token backend', () => {
  it('logs in, refreshes with rotation, and revokes the family when a spent refresh token comes back', async () => {
    const demo = createDemoApp({ staticDir: '/nonexistent', bearerAccessTtlSeconds: 30 });
    const login = (await (await post(demo, '/auth/login', { username: 'demo' })).json()) as Tokens;
    expect(login.expiresIn).toBe(30);
    const api = (token: string) => demo.app.request('/json-api/data', { headers: { authorization: `Bearer ${token}` } });
    expect((await api(login.accessToken)).status).toBe(200);

    const refreshed = (await (await post(demo, '/auth/refresh', { refreshToken: login.refreshToken })).json()) as Tokens;
    expect(refreshed.refreshToken).not.toBe(login.refreshToken);
    const reuse = await post(demo, '/auth/refresh', { refreshToken: login.refreshToken });
    expect(reuse.status).toBe(401);
    expect(await reuse.json()).toEqual({ error: 'invalid_grant' });
    expect((await post(demo, '/auth/refresh', { refreshToken: refreshed.refreshToken })).status).toBe(401);
    const dead = await api(refreshed.accessToken);
    expect(dead.status).toBe(401);
    expect(dead.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(demo.bearer.stats().json).toMatchObject({
      loginGrants: 1, refreshGrants: 3, refreshFailed: 2, reuseDetected: 1, grantsRevoked: 1, refreshEarly: 1, apiOk: 1, api401: 1,
    });
  });

  it('answers a refresh with no or an unknown token invalid_grant, and never echoes it', async () => {
    const demo = createDemoApp({ staticDir: '/nonexistent' });
    const answer = await post(demo, '/auth/refresh', { refreshToken: 'placeholder-secret-value' });
    expect(answer.status).toBe(401);
    expect(await answer.text()).not.toContain('placeholder-secret-value');
    expect((await post(demo, '/auth/refresh', 'nonsense')).status).toBe(401);
  });
});

describe('the bearer control routes', () => {
  it('set the access token lifetime, refuse a bad one, and keep issued tokens only when asked', async () => {
    const demo = createDemoApp({ staticDir: '/nonexistent' });
    expect((await post(demo, '/__demo/bearer/control', { accessTtlSeconds: 0 })).status).toBe(400);
    expect((await post(demo, '/__demo/bearer/control', { accessTtlSeconds: 'x' })).status).toBe(400);
    expect((await post(demo, '/__demo/bearer/control', { accessTtlSeconds: 7 })).status).toBe(200);
    expect(((await (await post(demo, '/auth/login', {})).json()) as Tokens).expiresIn).toBe(7);
    expect((await demo.app.request('/__demo/bearer/issued')).status).toBe(404);

    const recording = createDemoApp({ staticDir: '/nonexistent', recordIssuedTokens: true });
    const tokens = (await (await post(recording, '/auth/login', {})).json()) as Tokens;
    const issued = (await (await recording.app.request('/__demo/bearer/issued')).json()) as { tokens: string[] };
    expect(issued.tokens).toEqual([tokens.accessToken, tokens.refreshToken]);
  });
});
