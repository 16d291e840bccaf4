import { describe, expect, it } from 'vitest';
import { resolveConfig, type CookieModeConfig } from '../../../src/sw/config.ts';
import { CookieCredentials, type CookieReader } from '../../../src/sw/cookie-credentials.ts';

const ORIGIN = 'https://app.example';
const cookieConfig = (raw: unknown, origin: string) => resolveConfig(raw, origin) as CookieModeConfig;
const config = cookieConfig({ preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' } }, ORIGIN);

/** A cookie jar the test changes; `reads` counts the worker's reads. */
function jar(values: Record<string, string>) {
  const state = { values, reads: 0 };
  const reader: CookieReader = {
    get: async (name) => {
      state.reads += 1;
      return name in state.values ? { value: state.values[name]! } : null;
    },
  };
  return { state, reader };
}

function answering(response: () => Response, onSend?: (request: { url: string; headers: Headers }) => void): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    onSend?.({ url: String(input), headers: new Headers(init?.headers) });
    return response();
  }) as typeof fetch;
}

describe('CookieCredentials', () => {
  it('stamps the CSRF header from the current cookie, and leaves the page\'s header when there is no cookie', async () => {
    const { state, reader } = jar({ csrf_access_token: 'one' });
    const credentials = new CookieCredentials(config, reader, answering(() => new Response()));
    const headers = new Headers({ 'X-CSRF-TOKEN': 'page-value' });
    await credentials.stamp(headers);
    expect(headers.get('X-CSRF-TOKEN')).toBe('one');
    delete state.values.csrf_access_token;
    const untouched = new Headers({ 'X-CSRF-TOKEN': 'page-value' });
    await credentials.stamp(untouched);
    expect(untouched.get('X-CSRF-TOKEN')).toBe('page-value');
  });

  it('reads each cookie once per stamp, and says the access expiry that cookie carries', async () => {
    const reads: string[] = [];
    const expiresMs = Date.now() + 60_000;
    const reader: CookieReader = {
      get: async (name) => {
        reads.push(name);
        return name === 'csrf_access_token' ? { value: 'one', expires: expiresMs } : null;
      },
    };
    // The preset stamps X-CSRF-TOKEN from csrf_access_token and reads the expiry from the same cookie.
    const credentials = new CookieCredentials(config, reader, answering(() => new Response()));
    const headers = new Headers();
    expect((await credentials.stamp(headers)).expiresAtMs).toBe(expiresMs);
    expect(headers.get('X-CSRF-TOKEN')).toBe('one');
    expect(reads).toEqual(['csrf_access_token']);

    const withoutExpiry = cookieConfig({ api: ['/api/'], refresh: { url: '/token/refresh' }, headers: { 'X-CSRF-TOKEN': { cookie: 'csrf_access_token' } } }, ORIGIN);
    expect(await new CookieCredentials(withoutExpiry, reader, answering(() => new Response())).stamp(new Headers())).toMatchObject({ expiresAtMs: undefined });
  });

  it('sends the refresh to refresh.url with the refresh CSRF cookie, and says how it went by status', async () => {
    const { reader } = jar({ csrf_refresh_token: 'r1' });
    const sent: { url: string; headers: Headers }[] = [];
    const refused = new CookieCredentials(config, reader, answering(() => new Response('{}', { status: 401 }), (r) => sent.push(r)));
    expect(await refused.refresh(new AbortController().signal)).toEqual({ kind: 'refused', status: 401 });
    expect(sent[0]?.url).toBe(`${ORIGIN}/token/refresh`);
    expect(sent[0]?.headers.get('X-CSRF-TOKEN')).toBe('r1');
    const broken = new CookieCredentials(config, reader, answering(() => new Response('', { status: 502 })));
    expect(await broken.refresh(new AbortController().signal)).toEqual({ kind: 'failed', reason: 'status 502' });
    const offline = new CookieCredentials(config, reader, (async () => { throw new TypeError('Failed to fetch'); }) as typeof fetch);
    expect(await offline.refresh(new AbortController().signal)).toEqual({ kind: 'failed', reason: 'network error (TypeError)' });
  });

  it('never sends a refresh whose CSRF cookie cannot be read: a failed refresh naming the cookie, not an ended session', async () => {
    // A blind cookie store and no tab answering in time: flask would answer 401 "Missing CSRF
    // token" without looking at the refresh token, and that 401 is no end of the session.
    const { reader } = jar({ csrf_access_token: 'a1' });
    const sent: { url: string; headers: Headers }[] = [];
    const credentials = new CookieCredentials(config, reader,
      answering(() => new Response(JSON.stringify({ msg: 'Missing CSRF token' }), { status: 401 }), (r) => sent.push(r)));
    const result = await credentials.refresh(new AbortController().signal);
    expect(sent).toHaveLength(0);
    expect(result).toEqual({ kind: 'failed', reason: 'the cookie "csrf_refresh_token" for the refresh header X-CSRF-TOKEN could not be read; no refresh sent' });
  });

  it('takes a refresh refused for its CSRF header (flask\'s two CSRF answers) for a failed refresh; any other 401 or 403 ends the session', async () => {
    const { reader } = jar({ csrf_refresh_token: 'r1' });
    const answer = (status: number, msg: string) => new CookieCredentials(config, reader,
      answering(() => new Response(JSON.stringify({ msg }), { status, headers: { 'content-type': 'application/json' } })));
    const signal = new AbortController().signal;
    expect(await answer(401, 'Missing CSRF token').refresh(signal))
      .toEqual({ kind: 'failed', reason: 'the refresh endpoint refused the refresh\'s headers (status 401), not the session' });
    expect(await answer(401, 'CSRF double submit tokens do not match').refresh(signal))
      .toEqual({ kind: 'failed', reason: 'the refresh endpoint refused the refresh\'s headers (status 401), not the session' });
    expect(await answer(401, 'Token has been revoked').refresh(signal)).toEqual({ kind: 'refused', status: 401 });
    expect(await answer(401, 'Missing cookie "refresh_token_cookie"').refresh(signal)).toEqual({ kind: 'refused', status: 401 });
    expect(await answer(403, 'Forbidden').refresh(signal)).toEqual({ kind: 'refused', status: 403 });
    // Without the preset nothing says which answers are about the headers: every 401 ends the session.
    const plain = cookieConfig({ api: ['/api/'], refresh: { url: '/token/refresh' } }, ORIGIN);
    const plainCredentials = new CookieCredentials(plain, reader,
      answering(() => new Response(JSON.stringify({ msg: 'Missing CSRF token' }), { status: 401 })));
    expect(await plainCredentials.refresh(signal)).toEqual({ kind: 'refused', status: 401 });
  });

  it('takes a 200 HTML page (an SPA catch-all, a login page) for a failed refresh, not a success', async () => {
    const { reader } = jar({ csrf_refresh_token: 'r1' });
    const html = new CookieCredentials(config, reader,
      answering(() => new Response('<!doctype html><title>App</title>', { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' } })));
    expect(await html.refresh(new AbortController().signal)).toEqual({ kind: 'failed', reason: 'the refresh endpoint answered an HTML page' });
    const invalidJson = new CookieCredentials(config, reader,
      answering(() => new Response('{not json', { status: 200, headers: { 'content-type': 'application/json' } })));
    // In cookie mode the body is the app's own business: what counts is the status and the cookies.
    expect(await invalidJson.refresh(new AbortController().signal)).toEqual({ kind: 'refreshed' });
  });

  it('after a successful refresh, waits until the CSRF cookie reads its new value, within a bound', async () => {
    const { state, reader } = jar({ csrf_access_token: 'old', csrf_refresh_token: 'r1' });
    // The new value becomes readable only a few reads after the answer, as through a lagging copy.
    const lagging: CookieReader = {
      get: async (name) => {
        const answer = await reader.get(name);
        if (state.reads === 4) state.values.csrf_access_token = 'new';
        return answer;
      },
    };
    const credentials = new CookieCredentials(config, lagging, answering(() => new Response('{}', { status: 200 })));
    expect(await credentials.refresh(new AbortController().signal)).toEqual({ kind: 'refreshed' });
    const headers = new Headers();
    await credentials.stamp(headers);
    expect(headers.get('X-CSRF-TOKEN')).toBe('new');

    // A backend that keeps its CSRF value: the wait re-reads, then ends at its bound (the test
    // would time out otherwise), and the refresh still counts as done.
    const { state: frozenState, reader: frozen } = jar({ csrf_access_token: 'same-forever', csrf_refresh_token: 'r1' });
    const patient = new CookieCredentials(config, frozen, answering(() => new Response('{}', { status: 200 })));
    expect(await patient.refresh(new AbortController().signal)).toEqual({ kind: 'refreshed' });
    expect(frozenState.reads).toBeGreaterThan(2);
  });

  it('fingerprints the cookies the refresh sends: same values, same print; a new login, another; never the values', async () => {
    const { state, reader } = jar({ csrf_access_token: 'access-csrf-1', csrf_refresh_token: 'refresh-csrf-1' });
    const credentials = new CookieCredentials(config, reader, answering(() => new Response()));
    const first = await credentials.fingerprint();
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(await credentials.fingerprint()).toBe(first);
    // The access cookie running out (its Max-Age) is no new login.
    delete state.values.csrf_access_token;
    expect(await credentials.fingerprint()).toBe(first);
    state.values.csrf_refresh_token = 'refresh-csrf-2';
    state.values.csrf_access_token = 'access-csrf-2';
    expect(await credentials.fingerprint()).not.toBe(first);
    // Logged out (the cookies gone) is a state of its own too.
    state.values = {};
    expect(await credentials.fingerprint()).toMatch(/^[0-9a-f]{64}$/);
    const stampedOnly = cookieConfig({ api: ['/api/'], refresh: { url: '/token/refresh' }, headers: { 'X-Csrf': { cookie: 'csrf_access_token' } } }, ORIGIN);
    state.values = { csrf_access_token: 'a' };
    const stampedPrint = await new CookieCredentials(stampedOnly, reader, answering(() => new Response())).fingerprint();
    state.values = { csrf_access_token: 'b' };
    expect(await new CookieCredentials(stampedOnly, reader, answering(() => new Response())).fingerprint()).not.toBe(stampedPrint);
    const literalOnly = cookieConfig({ api: ['/api/'], refresh: { url: '/token/refresh' }, headers: { 'X-App': 'web' } }, ORIGIN);
    expect(await new CookieCredentials(literalOnly, reader, answering(() => new Response())).fingerprint()).toBeUndefined();
  });
});
