// Bearer mode end to end inside the worker's code: the broker built by createTokenBroker from a
// bearer config, against a fake authorization server, API and second origin (fake-oauth-server.ts).
// Assertions are on what the servers received and on what the page got.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../../src/sw/config.ts';
import { MemoryGenerationStore, type CredentialGeneration } from '../../../src/sw/generation-store.ts';
import type { TabMessage } from '../../../src/sw/tab-messages.ts';
import { API, AUTH, FakeOAuthServer, OTHER, apiRequest, codeGrant, refreshGrant } from './fake-oauth-server.ts';

// workbox-routing, which install-token-broker.ts imports, reads the worker's `self` when loaded.
(globalThis as { self?: unknown }).self ??= globalThis;
const { createTokenBroker } = await import('../../../src/sw/install-token-broker.ts');

const ORIGIN = 'https://app.example';
const PLACEHOLDER = /^tb\.placeholder\.[0-9a-f]{24}\.\d+\.(access|refresh)$/;

/** The generation store, every write kept: what IndexedDB would have been given, transaction by transaction. */
class RecordingStore extends MemoryGenerationStore {
  readonly writes: CredentialGeneration[] = [];
  override async write(value: CredentialGeneration): Promise<void> {
    this.writes.push(value);
    await super.write(value);
  }
}

function setup(options: { server?: FakeOAuthServer; store?: RecordingStore; oauth?: Record<string, unknown>; extra?: Record<string, unknown> } = {}) {
  const server = options.server ?? new FakeOAuthServer();
  const store = options.store ?? new RecordingStore();
  const announced: TabMessage[] = [];
  const config = resolveConfig({
    api: [`${API}/v1/`],
    oauth: { tokenEndpoint: `${AUTH}/oauth/token`, revocationEndpoint: `${AUTH}/oauth/revoke`, endSessionEndpoint: `${AUTH}/session/end`, ...options.oauth },
    // A bare 401 right after a refresh is taken for an expiry here: the tests refresh back to back.
    cooldownMs: 1,
    ...options.extra,
  }, ORIGIN);
  const broker = createTokenBroker(config, { store, announce: (message) => announced.push(message), fetch: server.fetch, cookies: { get: async () => null } });
  return { server, store, broker, announced };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The page's login; then a few ms, so that the new session's credentials are past cooldownMs (1 ms) on the worker's clock. */
async function logIn(broker: ReturnType<typeof setup>['broker'], extra: Record<string, string> = {}) {
  const response = await broker.handle(codeGrant(extra));
  const body = (await response.json()) as Record<string, unknown>;
  await pause(5);
  return body;
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('bearer mode: capture and hide', () => {
  it('keeps the tokens of the page\'s authorization_code grant and gives the page placeholders, id_token and the rest unchanged', async () => {
    const { broker, store, server } = setup();
    const page = await logIn(broker);
    expect(server.counts.codeGrants).toBe(1);
    expect(page.access_token).toMatch(PLACEHOLDER);
    expect(page.refresh_token).toMatch(PLACEHOLDER);
    expect(page.access_token).not.toBe(page.refresh_token);
    expect(page).toMatchObject({ id_token: 'idt-1', token_type: 'Bearer', expires_in: 300, scope: 'openid api' });
    expect(JSON.stringify(page)).not.toMatch(/at-1|rt-1/);
    // What IndexedDB was given: the tokens with the generation they begin, in one write.
    expect(store.writes).toHaveLength(1);
    expect(store.writes[0]).toMatchObject({ generation: 1, secret: { accessToken: 'at-1', refreshToken: 'rt-1' } });
  });

  it('gives the page the real access token when exposeAccessToken is set, the refresh token still hidden', async () => {
    const { broker } = setup({ oauth: { exposeAccessToken: true } });
    const page = await logIn(broker);
    expect(page.access_token).toBe('at-1');
    expect(page.refresh_token).toMatch(PLACEHOLDER);
  });

  it('passes malformed token answers to the page unchanged, captures nothing, says so in one line without values, and never hangs', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const huge = JSON.stringify({ access_token: 'secret-huge', padding: 'x'.repeat(300 * 1024) });
    for (const malformed of ['not json at all', '{"token_type":"Bearer","refresh_token":"secret-rt"}', '[1,2]', huge]) {
      const { broker, server, store } = setup();
      server.malformedAnswer = malformed;
      const response = await broker.handle(codeGrant());
      expect(await response.text()).toBe(malformed);
      expect(store.writes).toEqual([]);
      // The API request goes out with the page's own header, never with anything from that answer.
      await broker.handle(apiRequest('/items', 'Bearer page-own'));
      expect(server.apiAuthorization.at(-1)).toBe('Bearer page-own');
    }
    expect(warn).toHaveBeenCalledTimes(4);
    for (const [line] of warn.mock.calls) expect(String(line)).not.toMatch(/secret|xxxx/);
  });
});

describe('bearer mode: inject', () => {
  it('stamps the real access token on API requests over whatever the page sent, and never takes a request to another origin', async () => {
    const { broker, server } = setup();
    const page = await logIn(broker);
    const responses = await Promise.all([
      broker.handle(apiRequest('/a', `Bearer ${String(page.access_token)}`)),
      broker.handle(apiRequest('/b', 'Bearer stale-token')),
      broker.handle(apiRequest('/c')),
    ]);
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(server.apiAuthorization).toEqual(['Bearer at-1', 'Bearer at-1', 'Bearer at-1']);
    // Elsewhere: the broker does not take the request, so nothing of the vault can reach it.
    const elsewhere = new Request(`${OTHER}/collect`, { headers: { Authorization: `Bearer ${String(page.access_token)}` } });
    expect(broker.matches(elsewhere)).toBe(false);
    expect(broker.matches(new Request(`${API}/v2/outside-prefix`))).toBe(false);
  });

  it('a restarted worker (a new broker over the same storage) keeps the session: it stamps and refreshes with the stored tokens', async () => {
    const store = new RecordingStore();
    const server = new FakeOAuthServer();
    await logIn(setup({ server, store }).broker, { resource: 'https://api.example/' });
    const restarted = setup({ server, store }).broker;
    expect((await restarted.handle(apiRequest('/items'))).status).toBe(200);
    server.expireAccessTokens();
    expect((await restarted.handle(apiRequest('/items'))).status).toBe(200);
    expect(server.counts.refreshGrants).toBe(1);
    expect(server.grants.at(-1)?.params).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt-1', client_id: 'spa', resource: 'https://api.example/' });
    expect(server.apiAuthorization.at(-1)).toBe('Bearer at-2');
  });
});

describe('bearer mode: refresh once', () => {
  it('a burst of 401s makes one refresh_token grant, with what the page\'s own grant sent, and every request is replayed with the new token', async () => {
    const { broker, server, store } = setup();
    await logIn(broker, { scope: 'openid api', resource: 'https://api.example/' });
    server.expireAccessTokens();
    const responses = await Promise.all(Array.from({ length: 5 }, (_, i) => broker.handle(apiRequest(`/items/${i}`))));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    expect(server.counts.refreshGrants).toBe(1);
    expect(server.counts.reuseDetected).toBe(0);
    // client_id, scope and resource, as the page sent them; not the code, its verifier or the redirect URI.
    expect(server.grants.at(-1)).toEqual({
      params: { grant_type: 'refresh_token', refresh_token: 'rt-1', client_id: 'spa', scope: 'openid api', resource: 'https://api.example/' },
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(server.apiAuthorization.filter((header) => header === 'Bearer at-2')).toHaveLength(5);
    // The rotated refresh token was written in the same record as the generation it begins.
    expect(store.writes.at(-1)).toMatchObject({ generation: 2, secret: { accessToken: 'at-2', refreshToken: 'rt-2' } });
  });

  it('refreshes before sending when the token expires within refreshAheadMs, capped at half its lifetime: no 401 on the wire', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    const { broker, server } = setup({ extra: { refreshAheadMs: 30_000 } });
    server.expiresInS = 40; // half its lifetime (20 s) is less than 30 s: refreshed 20 s before expiry
    await logIn(broker);
    await pause(5);
    vi.setSystemTime(start + 19_000);
    expect((await broker.handle(apiRequest('/early'))).status).toBe(200);
    expect(server.counts.refreshGrants).toBe(0);
    vi.setSystemTime(start + 21_000);
    expect((await broker.handle(apiRequest('/ahead'))).status).toBe(200);
    expect(server.counts.refreshGrants).toBe(1);
    expect(server.apiAuthorization).toEqual(['Bearer at-1', 'Bearer at-2']);
    expect(server.counts.api401).toBe(0);
  });
});

describe('bearer mode: the page\'s own refresh', () => {
  it('is answered from the vault while the token is fresh: no grant at the server, placeholders, the remaining lifetime', async () => {
    const { broker, server } = setup();
    const page = await logIn(broker);
    const response = await broker.handle(refreshGrant(String(page.refresh_token)));
    const body = (await response.json()) as Record<string, unknown>;
    expect(server.counts.refreshGrants).toBe(0);
    expect(body).toMatchObject({ access_token: page.access_token, refresh_token: page.refresh_token, token_type: 'Bearer', scope: 'openid api' });
    expect(body.expires_in).toBeGreaterThan(290);
  });

  it('five tabs renewing a due token together make one grant at the server, and all get the same new placeholders', async () => {
    const { broker, server } = setup();
    server.expiresInS = 10; // due at once: half of 10 s is under the 30 s skew, and the test waits 5 s of fake time
    vi.useFakeTimers({ toFake: ['Date'] });
    const page = await logIn(broker);
    await pause(5); // past cooldownMs (1 ms) on the worker's own clock
    vi.setSystemTime(Date.now() + 6_000);
    let open!: () => void;
    server.refreshGate = new Promise((resolve) => { open = resolve; });
    const renewals = Array.from({ length: 5 }, () => broker.handle(refreshGrant(String(page.refresh_token))));
    await pause(10);
    open();
    const bodies = await Promise.all(renewals.map(async (renewal) => (await renewal).json() as Promise<Record<string, unknown>>));
    expect(server.counts.refreshGrants).toBe(1);
    expect(server.counts.reuseDetected).toBe(0);
    expect(new Set(bodies.map((body) => body.refresh_token)).size).toBe(1);
    expect(bodies[0]?.refresh_token).toMatch(PLACEHOLDER);
    expect(bodies[0]?.refresh_token).not.toBe(page.refresh_token);
    // A tab still holding the older placeholder is answered from that refresh too.
    await broker.handle(refreshGrant(String(page.refresh_token)));
    expect(server.counts.refreshGrants).toBe(1);
  });

  it('a refresh token the worker never saw (a login before it took control) goes out once and starts the session in the vault', async () => {
    const { broker, server } = setup();
    await logIn(setup({ server }).broker); // another profile's worker: the server now knows rt-1
    const response = await broker.handle(refreshGrant('rt-1'));
    const body = (await response.json()) as Record<string, unknown>;
    expect(server.counts.refreshGrants).toBe(1);
    expect(body.refresh_token).toMatch(PLACEHOLDER);
    await broker.handle(apiRequest('/items'));
    expect(server.apiAuthorization.at(-1)).toBe('Bearer at-2');
  });
});

describe('bearer mode: end of session', () => {
  it('invalid_grant is terminal: the vault is cleared, the waiting requests get their 401, the tabs hear it once, and nothing more is sent', async () => {
    const { broker, server, store, announced } = setup();
    const page = await logIn(broker);
    server.expireAccessTokens();
    server.revoked = true;
    const responses = await Promise.all(Array.from({ length: 3 }, () => broker.handle(apiRequest('/items'))));
    expect(responses.map((response) => response.status)).toEqual([401, 401, 401]);
    expect(server.counts.refreshGrants).toBe(1);
    expect(announced.filter((message) => message.type === 'session-expired')).toHaveLength(1);
    expect(store.writes.at(-1)?.secret).toBeUndefined();
    // Later: a 401 goes back without a refresh, and the page's own renewal hears invalid_grant from the worker.
    expect((await broker.handle(apiRequest('/later'))).status).toBe(401);
    const renewal = await broker.handle(refreshGrant(String(page.refresh_token)));
    expect(renewal.status).toBe(400);
    expect(await renewal.json()).toMatchObject({ error: 'invalid_grant' });
    expect(server.counts.refreshGrants).toBe(1);
    expect(announced.filter((message) => message.type === 'session-expired')).toHaveLength(1);
  });

  it('a new login after an ended session starts a new one that every request is stamped with', async () => {
    const { broker, server } = setup();
    await logIn(broker);
    server.expireAccessTokens();
    server.revoked = true;
    expect((await broker.handle(apiRequest('/items'))).status).toBe(401);
    await logIn(broker);
    expect((await broker.handle(apiRequest('/items'))).status).toBe(200);
    expect(server.apiAuthorization.at(-1)).toBe('Bearer at-2');
  });

  it('a revocation gets the real token for its placeholder; revoking the refresh token clears the vault, the access token alone does not', async () => {
    const { broker, server, store } = setup();
    const page = await logIn(broker);
    const revoke = (token: string, hint: string) => broker.handle(new Request(`${AUTH}/oauth/revoke`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, token_type_hint: hint, client_id: 'spa' }).toString(),
    }));
    await revoke(String(page.access_token), 'access_token');
    expect(store.writes.at(-1)?.secret).toBeDefined();
    await revoke(String(page.refresh_token), 'refresh_token');
    expect(server.revocations).toEqual([
      { token: 'at-1', token_type_hint: 'access_token', client_id: 'spa' },
      { token: 'rt-1', token_type_hint: 'refresh_token', client_id: 'spa' },
    ]);
    expect(store.writes.at(-1)?.secret).toBeUndefined();
    await broker.handle(apiRequest('/items', 'Bearer page-placeholder'));
    expect(server.apiAuthorization.at(-1)).toBe('Bearer page-placeholder');
  });

  it('an end-session request clears the vault and goes out unchanged', async () => {
    const { broker, server, store } = setup();
    await logIn(broker);
    const response = await broker.handle(new Request(`${AUTH}/session/end?id_token_hint=idt-1`));
    expect(await response.text()).toBe('bye');
    expect(server.counts.endSession).toBe(1);
    expect(store.writes.at(-1)?.secret).toBeUndefined();
  });
});

describe('bearer mode: persistTokens false', () => {
  it('writes the generation but never the tokens to storage, works from memory, and a restarted worker has no session', async () => {
    const store = new RecordingStore();
    const server = new FakeOAuthServer();
    const { broker } = setup({ server, store, oauth: { persistTokens: false } });
    const page = await logIn(broker);
    server.expireAccessTokens();
    expect((await broker.handle(apiRequest('/items'))).status).toBe(200);
    expect(server.counts.refreshGrants).toBe(1);
    expect(store.writes.map((record) => record.generation)).toEqual([1, 2]);
    expect(JSON.stringify(store.writes)).not.toMatch(/at-|rt-/);
    const restarted = setup({ server, store, oauth: { persistTokens: false } }).broker;
    const renewal = await restarted.handle(refreshGrant(String(page.refresh_token)));
    expect(await renewal.json()).toMatchObject({ error: 'invalid_grant' });
    expect(server.counts.refreshGrants).toBe(1);
  });
});
