// A brokered request that the API answers with a redirect: nothing the broker stamped may reach
// the redirect's target. The fetch here behaves as a browser's does: with redirect 'follow' it
// follows, carrying every header but Authorization to the other origin (Fetch's rule).

import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/sw/config.ts';
import type { CredentialSource } from '../../../src/sw/credential-source.ts';
import { MemoryGenerationStore } from '../../../src/sw/generation-store.ts';
import { RefreshCoordinator } from '../../../src/sw/refresh-coordinator.ts';
import { NoRefreshLock } from '../../../src/sw/refresh-lock.ts';
import { TokenBroker } from '../../../src/sw/token-broker.ts';

const ORIGIN = 'https://app.example';
const ELSEWHERE = 'https://elsewhere.example/collect';
const STAMPED = 'csrf-value-from-a-cookie';

interface Received { url: string; method: string; stamped: string | null; own: string | null }

function setup(options: { elsewhereStatus?: number } = {}) {
  const api: Received[] = [];
  const elsewhere: Received[] = [];
  let refreshes = 0;
  const record = (list: Received[], url: string, request: Request) =>
    list.push({ url, method: request.method, stamped: request.headers.get('X-CSRF-TOKEN'), own: request.headers.get('X-Page-Own') });
  const fetchImpl = async (input: RequestInfo | URL): Promise<Response> => {
    const request = input as Request;
    record(api, request.url, request);
    if (!request.url.startsWith(`${ORIGIN}/api/redirect`)) return new Response('api answer', { status: 200 });
    // An open redirect under the api prefix, to another origin.
    if (request.redirect === 'error') throw new TypeError('Failed to fetch');
    if (request.redirect === 'manual') return Response.redirect(ELSEWHERE, request.method === 'GET' ? 302 : 307);
    record(elsewhere, ELSEWHERE, request);
    return new Response(JSON.stringify({ msg: 'Token has expired' }), { status: options.elsewhereStatus ?? 200 });
  };
  const config = resolveConfig({ api: ['/api/'], refresh: { url: '/token/refresh' }, headers: { 'X-CSRF-TOKEN': { cookie: 'csrf' } } }, ORIGIN);
  const credentials: CredentialSource = {
    stamp: async (headers) => { headers.set('X-CSRF-TOKEN', STAMPED); return { expiresAtMs: undefined }; },
    refresh: async () => { refreshes += 1; return { kind: 'refreshed' }; },
  };
  const coordinator = new RefreshCoordinator({
    credentials, store: new MemoryGenerationStore(), lock: new NoRefreshLock(), announce: () => undefined, refreshTimeoutMs: 1_000, cooldownMs: 1,
  });
  const broker = new TokenBroker({ config, credentials, coordinator, fetch: fetchImpl as typeof fetch });
  return { broker, api, elsewhere, refreshes: () => refreshes };
}

const redirecting = (init: RequestInit = {}) =>
  new Request(`${ORIGIN}/api/redirect`, { ...init, headers: { 'X-Page-Own': 'page-value', ...init.headers } });

describe('TokenBroker, when the API answers with a redirect', () => {
  it('follows a GET\'s redirect without the stamped headers: the other origin gets only what the page set', async () => {
    const { broker, api, elsewhere } = setup();
    const response = await broker.handle(redirecting());
    expect(response.status).toBe(200);
    expect(elsewhere).toEqual([{ url: ELSEWHERE, method: 'GET', stamped: null, own: 'page-value' }]);
    // The redirecting URL is asked twice: once stamped (answered by the redirect), once as the page made it.
    expect(api.map((r) => r.stamped)).toEqual([STAMPED, null]);
  });

  it('ends a POST answered with a redirect in a network error, sent once, and nothing reaches the other origin', async () => {
    const { broker, api, elsewhere } = setup();
    const response = await broker.handle(redirecting({ method: 'POST', body: 'order' }));
    expect(response.type).toBe('error');
    expect(elsewhere).toEqual([]);
    expect(api).toHaveLength(1);
  });

  it('gives a page that asked for redirect "manual" the redirect itself, and one that asked for "error" a network error', async () => {
    const manual = setup();
    const answer = await manual.broker.handle(redirecting({ redirect: 'manual' }));
    expect(answer.status).toBe(302);
    expect(manual.elsewhere).toEqual([]);
    const error = setup();
    expect((await error.broker.handle(redirecting({ redirect: 'error' }))).type).toBe('error');
    expect(error.elsewhere).toEqual([]);
  });

  it('never refreshes for, nor replays, an answer that came through a redirect', async () => {
    const { broker, elsewhere, refreshes } = setup({ elsewhereStatus: 401 });
    const response = await broker.handle(redirecting());
    expect(response.status).toBe(401);
    expect(refreshes()).toBe(0);
    expect(elsewhere).toHaveLength(1);
  });
});
