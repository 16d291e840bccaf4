import { describe, expect, it } from 'vitest';
import { decodeJwtPayload, makeClient } from './helpers.ts';

describe('login and logout', () => {
  it('sets the four flask-jwt-extended cookies as session cookies at path /', async () => {
    const client = makeClient();
    const response = await client.login('ann');
    expect(response.status).toBe(200);
    const setCookies = response.headers.getSetCookie();
    const byName = new Map(setCookies.map((line) => [line.slice(0, line.indexOf('=')), line]));
    expect([...byName.keys()].sort()).toEqual([
      'access_token_cookie',
      'csrf_access_token',
      'csrf_refresh_token',
      'refresh_token_cookie',
    ]);
    for (const line of setCookies) {
      expect(line).toMatch(/; Path=\/(;|$)/);
      expect(line).toMatch(/SameSite=Lax/);
      expect(line).not.toMatch(/Max-Age|Expires|Secure/i);
    }
    expect(byName.get('access_token_cookie')).toMatch(/HttpOnly/);
    expect(byName.get('refresh_token_cookie')).toMatch(/HttpOnly/);
    expect(byName.get('csrf_access_token')).not.toMatch(/HttpOnly/);
    expect(byName.get('csrf_refresh_token')).not.toMatch(/HttpOnly/);
  });

  it('puts each CSRF cookie value in its JWT as the csrf claim', async () => {
    const client = makeClient();
    await client.login();
    const access = decodeJwtPayload(client.cookies.get('access_token_cookie') ?? '');
    const refresh = decodeJwtPayload(client.cookies.get('refresh_token_cookie') ?? '');
    expect(access).toMatchObject({ type: 'access', sub: 'demo', csrf: client.csrf('access') });
    expect(refresh).toMatchObject({ type: 'refresh', sub: 'demo', csrf: client.csrf('refresh') });
    expect(client.csrf('access')).not.toBe(client.csrf('refresh'));
    expect((access.exp as number) - (access.iat as number)).toBeGreaterThanOrEqual(30);
  });

  it('clears every cookie on logout', async () => {
    const client = makeClient();
    await client.login();
    const response = await client.request('/logout', { method: 'POST' });
    expect(response.headers.getSetCookie()).toHaveLength(4);
    expect(client.cookies.size).toBe(0);
  });
});
