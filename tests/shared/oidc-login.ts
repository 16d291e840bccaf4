// An authorization_code + PKCE login against the demo server's OIDC provider, done from node with
// fetch and a small cookie jar, as a browser would follow the redirects. For server tests and the
// bench, where no page is needed to get a grant.

import { createHash, randomBytes } from 'node:crypto';

export const DEMO_CLIENT_ID = 'token-broker-demo';

export interface OidcTokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  id_token?: string;
}

/** Logs the demo user in at the server `baseUrl` (ends with "/") and returns the token answer. */
export async function oidcLogin(baseUrl: string): Promise<OidcTokens> {
  const origin = new URL(baseUrl).origin;
  const redirectUri = `${origin}/bearer/`;
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const jar = new Map<string, string>();
  let url = `${origin}/oidc/auth?${new URLSearchParams({
    client_id: DEMO_CLIENT_ID, response_type: 'code', scope: 'openid offline_access', prompt: 'consent',
    redirect_uri: redirectUri, code_challenge: challenge, code_challenge_method: 'S256', state: 'st', nonce: 'n',
  })}`;
  for (let hop = 0; hop < 10; hop += 1) {
    const response = await fetch(url, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0] ?? '';
      jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
    const location = response.headers.get('location');
    if (!location) throw new Error(`oidc login: ${url} answered ${response.status} without a redirect`);
    url = new URL(location, url).href;
    if (url.startsWith(redirectUri)) break;
  }
  const code = new URL(url).searchParams.get('code');
  if (!code) throw new Error('oidc login: no code in the redirect');
  const token = await fetch(`${origin}/oidc/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: DEMO_CLIENT_ID, code_verifier: verifier }),
  });
  if (!token.ok) throw new Error(`oidc login: the token endpoint answered ${token.status}`);
  return (await token.json()) as OidcTokens;
}

/** One refresh_token grant, as a public client sends it. */
export function oidcRefresh(baseUrl: string, refreshToken: string): Promise<Response> {
  return fetch(new URL('oidc/token', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: DEMO_CLIENT_ID }),
  });
}
