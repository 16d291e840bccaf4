import { describe, expect, it } from 'vitest';
import { decodeJwtPayload, makeClient } from './helpers.ts';

describe('POST /token/refresh', () => {
  it('issues a new access token and, with rotation, a new refresh token', async () => {
    const client = makeClient();
    await client.login();
    await client.request('/__demo/expire', { method: 'POST' });
    const before = new Map(client.cookies);

    const response = await client.refresh();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ refresh: true });
    const names = response.headers.getSetCookie().map((line) => line.slice(0, line.indexOf('=')));
    expect(names.sort()).toEqual(['access_token_cookie', 'csrf_access_token', 'csrf_refresh_token', 'refresh_token_cookie']);
    for (const name of names) expect(client.cookies.get(name)).not.toBe(before.get(name));
    expect(decodeJwtPayload(client.cookies.get('access_token_cookie') ?? '')).toMatchObject({ epoch: 1, fresh: false });

    expect((await client.request('/api/whoami')).status).toBe(200);
    expect(client.demo.stats()).toMatchObject({ refreshRequests: 1, refreshSucceeded: 1, refreshRefused: 0 });
  });

  it('keeps the refresh token when rotation is off', async () => {
    const client = makeClient({ rotation: false });
    await client.login();
    const refreshJwt = client.cookies.get('refresh_token_cookie');
    const response = await client.refresh();
    expect(response.headers.getSetCookie().map((line) => line.slice(0, line.indexOf('='))).sort()).toEqual([
      'access_token_cookie',
      'csrf_access_token',
    ]);
    expect(client.cookies.get('refresh_token_cookie')).toBe(refreshJwt);
    expect((await client.refresh()).status).toBe(200);
  });

  it('needs the refresh CSRF value, not the access one', async () => {
    const client = makeClient();
    await client.login();
    const response = await client.request('/token/refresh', {
      method: 'POST',
      headers: { 'X-CSRF-TOKEN': client.csrf('access') },
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ msg: 'CSRF double submit tokens do not match' });
    expect(client.demo.stats()).toMatchObject({ refreshRequests: 1, refreshRefused: 1, csrfFailures: 1 });
  });

  it('revokes the whole session when a spent refresh token is presented again, and counts it', async () => {
    const client = makeClient();
    await client.login();
    const spent = new Map(client.cookies);
    expect((await client.refresh()).status).toBe(200);
    const rotated = new Map(client.cookies);

    // A second tab, or a retry after a lost answer, still holding the old refresh token.
    const replay = makeClientLike(client, spent);
    const reuse = await replay();
    expect(reuse.status).toBe(401);
    expect(await reuse.json()).toEqual({ msg: 'Token has been revoked' });

    // Every token of that login is dead now, including the ones the rotation issued.
    client.cookies.clear();
    for (const [name, value] of rotated) client.cookies.set(name, value);
    expect(await (await client.request('/api/whoami')).json()).toEqual({ msg: 'Token has been revoked' });
    const refreshAgain = await client.refresh();
    expect(refreshAgain.status).toBe(401);
    expect(await refreshAgain.json()).toEqual({ msg: 'Token has been revoked' });

    expect(client.demo.stats()).toMatchObject({
      refreshRequests: 3,
      refreshSucceeded: 1,
      refreshRefused: 2,
      reuseDetected: 1,
      sessionsRevoked: 1,
    });

    // A new login is a new session.
    await client.login();
    expect((await client.request('/api/whoami')).status).toBe(200);
  });

  it('lets a spent refresh token through when reuse detection is off', async () => {
    const client = makeClient({ reuseDetection: false });
    await client.login();
    const spent = new Map(client.cookies);
    await client.refresh();
    expect((await makeClientLike(client, spent)()).status).toBe(200);
    expect(client.demo.stats().reuseDetected).toBe(0);
  });

  it('follows refreshBehavior set through /__demo/control, counting every attempt', async () => {
    const client = makeClient();
    await client.login();
    const control = (body: unknown): Promise<Response> =>
      client.request('/__demo/control', { method: 'POST', body: JSON.stringify(body) });

    expect((await control({ refreshBehavior: 'error-500' })).status).toBe(200);
    expect((await client.refresh()).status).toBe(500);
    expect((await control({ refreshBehavior: 'refuse-401' })).status).toBe(200);
    expect((await client.refresh()).status).toBe(401);
    expect((await control({ refreshBehavior: 'normal' })).status).toBe(200);
    expect((await client.refresh()).status).toBe(200); // neither failure spent the token

    const bad = await control({ refreshBehavior: 'explode' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'refreshBehavior must be one of normal, error-500, refuse-401, hang' });
    expect((await control({ nope: 1 })).status).toBe(400);

    const stats = await (await client.request('/__demo/stats')).json();
    expect(stats).toMatchObject({ refreshRequests: 3, refreshSucceeded: 1, refreshRefused: 1 });
    await client.request('/__demo/reset', { method: 'POST' });
    expect(client.demo.stats()).toMatchObject({ refreshRequests: 0, refreshSucceeded: 0, apiRequests: 0 });
  });
});

/** A refresh sent with another cookie jar (e.g. the one from before a rotation), leaving the client's jar alone. */
function makeClientLike(client: ReturnType<typeof makeClient>, jar: Map<string, string>): () => Promise<Response> {
  return async () =>
    client.demo.app.request('/token/refresh', {
      method: 'POST',
      headers: {
        cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; '),
        'X-CSRF-TOKEN': jar.get('csrf_refresh_token') ?? '',
      },
    });
}
