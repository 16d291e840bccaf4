// The demo's OIDC provider, driven over HTTP as a public client would: the counters the browser
// tests trust must count what the provider really did.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningDemoServer, startDemoServer } from '../../../../src/server/start.ts';
import { oidcLogin, oidcRefresh } from '../../../shared/oidc-login.ts';

let server: RunningDemoServer;

async function stats(): Promise<{ oidc: Record<string, number> }> {
  return (await (await fetch(new URL('__demo/bearer/stats', server.url))).json()) as { oidc: Record<string, number> };
}

function api(token: string): Promise<Response> {
  return fetch(new URL('bearer-api/data', server.url), { headers: { authorization: `Bearer ${token}` } });
}

beforeEach(async () => {
  server = await startDemoServer({ port: 0, staticDir: '/nonexistent' });
});
afterEach(async () => {
  await server.close();
});

describe('the demo OIDC provider', () => {
  it('advertises its endpoints under /oidc in discovery', async () => {
    const discovery = (await (await fetch(new URL('oidc/.well-known/openid-configuration', server.url))).json()) as Record<string, string>;
    expect(discovery.token_endpoint).toBe(new URL('oidc/token', server.url).href);
    expect(discovery.issuer).toBe(new URL('oidc', server.url).href);
  });

  it('logs the demo user in without a page and issues an access and a refresh token the API accepts', async () => {
    const tokens = await oidcLogin(server.url);
    expect(typeof tokens.refresh_token).toBe('string');
    expect((await api(tokens.access_token)).status).toBe(200);
    expect((await api('not-a-token')).status).toBe(401);
    expect(await stats()).toMatchObject({ oidc: { loginGrants: 1, apiOk: 1, api401: 1 } });
  });

  it('rotates refresh tokens, and revokes the whole grant when a spent one comes back', async () => {
    const first = await oidcLogin(server.url);
    const rotated = (await (await oidcRefresh(server.url, first.refresh_token)).json()) as { refresh_token: string; access_token: string };
    expect(rotated.refresh_token).not.toBe(first.refresh_token);
    const reuse = await oidcRefresh(server.url, first.refresh_token);
    expect(reuse.status).toBe(400);
    expect(((await reuse.json()) as { error: string }).error).toBe('invalid_grant');
    // The grant is gone: the rotated token and its access token die with it.
    expect((await oidcRefresh(server.url, rotated.refresh_token)).status).toBe(400);
    expect((await api(rotated.access_token)).status).toBe(401);
    expect(await stats()).toMatchObject({ oidc: { refreshGrants: 3, refreshFailed: 2, reuseDetected: 1, grantsRevoked: 1, refreshEarly: 1 } });
  });

  it('revokes every grant on the control route: the next refresh is invalid_grant', async () => {
    const tokens = await oidcLogin(server.url);
    await fetch(new URL('__demo/bearer/revoke', server.url), { method: 'POST' });
    expect((await oidcRefresh(server.url, tokens.refresh_token)).status).toBe(400);
    expect((await api(tokens.access_token)).status).toBe(401);
    expect(await stats()).toMatchObject({ oidc: { refreshFailed: 1, grantsRevokedByControl: 1, grantsRevoked: 0 } });
  });
});
