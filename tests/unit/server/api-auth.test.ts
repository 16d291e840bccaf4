import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeClient } from './helpers.ts';

async function answer(response: Response): Promise<[number, unknown]> {
  return [response.status, await response.json()];
}

describe('the protected API answers as flask-jwt-extended does', () => {
  it('answers 401 Missing cookie without a login', async () => {
    const client = makeClient();
    expect(await answer(await client.request('/api/whoami'))).toEqual([401, { msg: 'Missing cookie "access_token_cookie"' }]);
  });

  it('needs no CSRF header on GET and answers who is logged in', async () => {
    const client = makeClient();
    await client.login('ann');
    expect(await answer(await client.request('/api/whoami'))).toEqual([200, { user: 'ann' }]);
  });

  it('answers 401 Missing CSRF token to a POST without the header', async () => {
    const client = makeClient();
    await client.login();
    expect(await answer(await client.request('/api/echo', { method: 'POST', body: '{}' }))).toEqual([
      401,
      { msg: 'Missing CSRF token' },
    ]);
    expect(client.demo.stats().csrfFailures).toBe(1);
  });

  it('answers 401 CSRF double submit tokens do not match to a wrong header', async () => {
    const client = makeClient();
    await client.login();
    const response = await client.request('/api/echo', { method: 'DELETE', headers: { 'X-CSRF-TOKEN': 'not-it' } });
    expect(await answer(response)).toEqual([401, { msg: 'CSRF double submit tokens do not match' }]);
  });

  it('echoes the hash of the exact body bytes when the CSRF header matches', async () => {
    const client = makeClient();
    await client.login();
    const body = new Uint8Array([0, 1, 2, 250, 255]);
    const response = await client.request('/api/echo', {
      method: 'PATCH',
      body,
      headers: { 'X-CSRF-TOKEN': client.csrf('access'), 'content-type': 'application/octet-stream' },
    });
    expect(await answer(response)).toEqual([
      200,
      {
        method: 'PATCH',
        contentType: 'application/octet-stream',
        length: 5,
        sha256: createHash('sha256').update(body).digest('hex'),
      },
    ]);
  });

  it('echoes the request headers named in ?headers=, null where absent, and never the Cookie header', async () => {
    const client = makeClient();
    await client.login();
    const response = await client.request('/api/echo?headers=X-Request-Id,x-absent,cookie', {
      method: 'POST',
      body: 'x',
      headers: { 'X-CSRF-TOKEN': client.csrf('access'), 'X-Request-Id': 'page-7' },
    });
    const [status, body] = await answer(response);
    expect(status).toBe(200);
    expect((body as { headers: unknown }).headers).toEqual({ 'x-request-id': 'page-7', 'x-absent': null });
  });

  it('answers 422 to a token with a bad signature', async () => {
    const client = makeClient();
    await client.login();
    const jwt = client.cookies.get('access_token_cookie') ?? '';
    client.cookies.set('access_token_cookie', `${jwt.slice(0, -4)}AAAA`);
    expect(await answer(await client.request('/api/whoami'))).toEqual([422, { msg: 'Signature verification failed' }]);
  });

  it('refuses a refresh token used as an access token with 422', async () => {
    const client = makeClient();
    await client.login();
    client.cookies.set('access_token_cookie', client.cookies.get('refresh_token_cookie') ?? '');
    expect(await answer(await client.request('/api/whoami'))).toEqual([422, { msg: 'Only non-refresh tokens are allowed' }]);
  });

  it('makes every access token issued before /__demo/expire answer 401 Token has expired', async () => {
    const client = makeClient();
    await client.login();
    const expire = await client.request('/__demo/expire', { method: 'POST' });
    expect(await expire.json()).toEqual({ accessEpoch: 1 });
    expect(await answer(await client.request('/api/whoami'))).toEqual([401, { msg: 'Token has expired' }]);
    // flask-jwt-extended (4.4 to 4.7) decodes an expired token a second time to build its error,
    // and that second decode compares the CSRF value: a wrong header on an expired token is a
    // CSRF 401, not "expired". A missing header is found even before the token is decoded.
    const wrongCsrf = await client.request('/api/echo', { method: 'POST', headers: { 'X-CSRF-TOKEN': 'wrong' } });
    expect(await answer(wrongCsrf)).toEqual([401, { msg: 'CSRF double submit tokens do not match' }]);
    const noCsrf = await client.request('/api/echo', { method: 'POST' });
    expect(await answer(noCsrf)).toEqual([401, { msg: 'Missing CSRF token' }]);
    const rightCsrf = await client.request('/api/echo', { method: 'POST', headers: { 'X-CSRF-TOKEN': client.csrf('access') } });
    expect(await answer(rightCsrf)).toEqual([401, { msg: 'Token has expired' }]);
    const stats = client.demo.stats();
    expect(stats).toMatchObject({ apiRequests: 4, api401: 4, api401Expired: 2, csrfFailures: 2, accessEpoch: 1 });

    await client.login();
    expect((await client.request('/api/whoami')).status).toBe(200);
  });

  it('expires access tokens by their exp claim', async () => {
    let nowMs = Date.UTC(2026, 10, 27, 12, 0, 0);
    const client = makeClient({ accessTtlSeconds: 5, now: () => nowMs });
    await client.login();
    // jose checks exp against the real clock by default; the injected clock decides here.
    nowMs += 4_000;
    expect((await client.request('/api/whoami')).status).toBe(200);
    nowMs += 2_000;
    expect(await answer(await client.request('/api/whoami'))).toEqual([401, { msg: 'Token has expired' }]);
  });

  it('answers /api/always-401 with 401 Token has expired even when logged in', async () => {
    const client = makeClient();
    await client.login();
    expect(await answer(await client.request('/api/always-401', { method: 'POST' }))).toEqual([
      401,
      { msg: 'Token has expired' },
    ]);
    expect(client.demo.stats()).toMatchObject({ api401: 1, api401Expired: 1 });
  });
});
