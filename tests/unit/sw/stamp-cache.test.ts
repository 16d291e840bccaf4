import { describe, expect, it } from 'vitest';
import { resolveConfig, type CookieModeConfig } from '../../../src/sw/config.ts';
import { CookieCredentials, type CookieReader } from '../../../src/sw/cookie-credentials.ts';
import { subscribedToAll, touchesCookieOf } from '../../../src/sw/credential-changes.ts';
import { MemoryGenerationStore } from '../../../src/sw/generation-store.ts';
import { RefreshCoordinator } from '../../../src/sw/refresh-coordinator.ts';
import { NoRefreshLock } from '../../../src/sw/refresh-lock.ts';
import { StampCache, STAMP_CACHE_MAX_AGE_MS, type CookieValues } from '../../../src/sw/stamp-cache.ts';
import { TokenBroker } from '../../../src/sw/token-broker.ts';

const ORIGIN = 'https://app.example';
const FLASK = resolveConfig({ preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' } }, ORIGIN) as CookieModeConfig;
const REPLAYABLE = { url: `${ORIGIN}/api/x`, method: 'GET', replayable: true };

/** The browser's jar as the worker reads it: `reads` counts the round trips. */
function jar(values: Record<string, string>, expires?: number) {
  const state = { values, reads: 0 };
  const reader: CookieReader = {
    get: async (name) => {
      state.reads += 1;
      return name in state.values ? { value: state.values[name]!, expires } : null;
    },
  };
  return { state, reader };
}

function valuesOf(value: string): CookieValues {
  return new Map([['csrf_access_token', { value }]]);
}

describe('StampCache', () => {
  it('keeps nothing until enabled, then keeps a read until a change, its age bound or a kept cookie\'s expiry', async () => {
    const clock = { nowMs: 1_000 };
    const cache = new StampCache({ now: () => clock.nowMs });
    await cache.read(async () => valuesOf('one'));
    expect(cache.get()).toBeUndefined();

    cache.enable();
    await cache.read(async () => valuesOf('one'));
    expect(cache.get()?.get('csrf_access_token')?.value).toBe('one');
    cache.forget();
    expect(cache.get()).toBeUndefined();

    await cache.read(async () => valuesOf('two'));
    clock.nowMs += STAMP_CACHE_MAX_AGE_MS - 1;
    expect(cache.get()?.get('csrf_access_token')?.value).toBe('two');
    clock.nowMs += 1;
    expect(cache.get()).toBeUndefined();

    await cache.read(async () => new Map([['csrf_access_token', { value: 'three', expires: clock.nowMs + 100 }]]));
    expect(cache.get()).toBeDefined();
    clock.nowMs += 100;
    expect(cache.get()).toBeUndefined();
  });

  it('does not keep a read that began before a change: it may hold the value from before it', async () => {
    const cache = new StampCache();
    cache.enable();
    let answer!: (values: CookieValues) => void;
    const reading = cache.read(() => new Promise((resolve) => { answer = resolve; }));
    cache.forget(); // the change event comes while the read is on its way
    answer(valuesOf('old'));
    expect((await reading).get('csrf_access_token')?.value).toBe('old');
    expect(cache.get()).toBeUndefined();
  });
});

describe('CookieCredentials with kept values', () => {
  it('reads at every stamp until told it hears the changes; then once, and again after a change', async () => {
    const { state, reader } = jar({ csrf_access_token: 'one' });
    const credentials = new CookieCredentials(FLASK, reader);
    await credentials.stamp(new Headers(), undefined, REPLAYABLE);
    await credentials.stamp(new Headers(), undefined, REPLAYABLE);
    expect(state.reads).toBe(2);

    credentials.keepStampedValues();
    for (let i = 0; i < 5; i += 1) await credentials.stamp(new Headers(), undefined, REPLAYABLE);
    expect(state.reads).toBe(3);

    state.values.csrf_access_token = 'two';
    credentials.forgetStampedValues();
    const headers = new Headers();
    await credentials.stamp(headers, undefined, REPLAYABLE);
    expect(headers.get('X-CSRF-TOKEN')).toBe('two');
    expect(state.reads).toBe(4);
  });

  it('stamps a request that cannot be sent twice from a fresh read, and says which stamps came from kept values', async () => {
    const { state, reader } = jar({ csrf_access_token: 'one' });
    const credentials = new CookieCredentials(FLASK, reader);
    credentials.keepStampedValues();
    expect((await credentials.stamp(new Headers(), undefined, REPLAYABLE)).fromKeptValues).toBeUndefined();
    expect((await credentials.stamp(new Headers(), undefined, REPLAYABLE)).fromKeptValues).toBe(true);
    state.values.csrf_access_token = 'two'; // no change event yet
    const once = new Headers();
    expect((await credentials.stamp(once, undefined, { ...REPLAYABLE, method: 'POST', replayable: false })).fromKeptValues).toBeUndefined();
    expect(once.get('X-CSRF-TOKEN')).toBe('two');
  });

  it('tells an outdated stamp by a fresh read, and keeps the fresh values', async () => {
    const { state, reader } = jar({ csrf_access_token: 'one' });
    const credentials = new CookieCredentials(FLASK, reader);
    credentials.keepStampedValues();
    await credentials.stamp(new Headers(), undefined, REPLAYABLE);
    const { stampedWith } = await credentials.stamp(new Headers(), undefined, REPLAYABLE);
    expect(await credentials.stampOutdated(stampedWith)).toBe(false);
    state.values.csrf_access_token = 'two';
    expect(await credentials.stampOutdated(stampedWith)).toBe(true);
    const headers = new Headers();
    expect((await credentials.stamp(headers, undefined, REPLAYABLE)).fromKeptValues).toBe(true);
    expect(headers.get('X-CSRF-TOKEN')).toBe('two');
  });

  it('forgets kept values at a refresh, whatever its outcome', async () => {
    const { state, reader } = jar({ csrf_access_token: 'one', csrf_refresh_token: 'r' });
    const credentials = new CookieCredentials(FLASK, reader, (async () => {
      state.values.csrf_access_token = 'two';
      return new Response('{}', { status: 200, headers: { 'Content-Type': 'application/json' } });
    }) as typeof fetch);
    credentials.keepStampedValues();
    await credentials.stamp(new Headers(), undefined, REPLAYABLE);
    expect((await credentials.refresh(AbortSignal.timeout(1_000))).kind).toBe('refreshed');
    const headers = new Headers();
    await credentials.stamp(headers, undefined, REPLAYABLE);
    expect(headers.get('X-CSRF-TOKEN')).toBe('two');
  });
});

describe('cookie change events', () => {
  it('a set or a deletion of a stamped cookie touches it; another cookie does not', () => {
    const names = ['csrf_access_token'];
    expect(touchesCookieOf({ changed: [{ name: 'csrf_access_token', value: 'x' }], deleted: [] }, names)).toBe(true);
    expect(touchesCookieOf({ changed: [], deleted: [{ name: 'csrf_access_token' }] }, names)).toBe(true);
    expect(touchesCookieOf({ changed: [{ name: 'theme', value: 'dark' }], deleted: [] }, names)).toBe(false);
    expect(touchesCookieOf(null, names)).toBe(false);
  });

  it('values are kept only where every stamped cookie is subscribed to', async () => {
    const subscribedTo = (names: string[]) => ({ subscribe: async () => undefined, getSubscriptions: async () => names.map((name) => ({ name })) });
    expect(await subscribedToAll(subscribedTo(['csrf_access_token']), ['csrf_access_token'])).toBe(true);
    expect(await subscribedToAll(subscribedTo([]), ['csrf_access_token'])).toBe(false);
    expect(await subscribedToAll({ subscribe: async () => undefined }, ['csrf_access_token'])).toBe(false);
    expect(await subscribedToAll({ subscribe: async () => undefined, getSubscriptions: async () => { throw new Error('no'); } }, ['csrf_access_token'])).toBe(false);
    expect(await subscribedToAll(undefined, ['csrf_access_token'])).toBe(false);
  });
});

/**
 * flask-jwt-extended's double submit as the broker meets it: the server takes a request whose
 * X-CSRF-TOKEN equals the csrf_access_token the browser holds now, else 401 "CSRF double submit
 * tokens do not match". A login changes the value (the test does, with no change event yet).
 */
function doubleSubmitServer(options: { expiredWhen?: unknown; maxReplayBodyBytes?: number } = {}) {
  const { state, reader } = jar({ csrf_access_token: 'login-1', csrf_refresh_token: 'refresh-1' });
  const server = { sent: [] as { csrf: string | null; body: string }[], refreshes: 0 };
  const fetchImpl = (async (input: RequestInfo | URL) => {
    const request = input as Request;
    if (request.url.endsWith('/token/refresh')) {
      server.refreshes += 1;
      return new Response('{}', { status: 200, headers: { 'Content-Type': 'application/json' } });
    }
    const csrf = request.headers.get('X-CSRF-TOKEN');
    server.sent.push({ csrf, body: await request.text() });
    if (csrf !== state.values.csrf_access_token) {
      return new Response(JSON.stringify({ msg: 'CSRF double submit tokens do not match' }), { status: 401, headers: { 'Content-Type': 'application/json' } });
    }
    return new Response('ok');
  }) as typeof fetch;
  const config = resolveConfig({
    preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' },
    ...(options.expiredWhen ? { expiredWhen: options.expiredWhen } : {}),
    ...(options.maxReplayBodyBytes === undefined ? {} : { maxReplayBodyBytes: options.maxReplayBodyBytes }),
  }, ORIGIN) as CookieModeConfig;
  const credentials = new CookieCredentials(config, reader, fetchImpl);
  const coordinator = new RefreshCoordinator({
    credentials, store: new MemoryGenerationStore(), lock: new NoRefreshLock(), announce: () => undefined, refreshTimeoutMs: 1_000, cooldownMs: 1_000,
  });
  const broker = new TokenBroker({ config, credentials, coordinator, fetch: fetchImpl });
  broker.keepStampedValues();
  return { broker, server, jarState: state };
}

describe('TokenBroker with kept values', () => {
  it('a request stamped from values a login changed before its event came is sent again with the current ones: the page gets 200, nothing refreshes', async () => {
    const { broker, server, jarState } = doubleSubmitServer();
    expect((await broker.handle(new Request(`${ORIGIN}/api/a`))).status).toBe(200);
    expect(jarState.reads).toBe(1);
    expect((await broker.handle(new Request(`${ORIGIN}/api/b`))).status).toBe(200);
    expect(jarState.reads).toBe(1);

    jarState.values.csrf_access_token = 'login-2'; // a login in another tab; no change event yet
    const after = await broker.handle(new Request(`${ORIGIN}/api/c`, { method: 'POST', body: 'payload' }));
    expect(after.status).toBe(200);
    expect(await after.text()).toBe('ok');
    expect(server.sent.slice(2)).toEqual([{ csrf: 'login-1', body: 'payload' }, { csrf: 'login-2', body: 'payload' }]);
    expect(server.refreshes).toBe(0);
    // The fresh values are kept from then on.
    expect((await broker.handle(new Request(`${ORIGIN}/api/d`))).status).toBe(200);
    expect(server.sent.at(-1)?.csrf).toBe('login-2');
  });

  it('with a status-only config too (a CSRF 401 would read as an expiry): sent again, no refresh', async () => {
    const { broker, server, jarState } = doubleSubmitServer({ expiredWhen: { status: [401] } });
    await broker.handle(new Request(`${ORIGIN}/api/a`));
    jarState.values.csrf_access_token = 'login-2';
    expect((await broker.handle(new Request(`${ORIGIN}/api/b`))).status).toBe(200);
    expect(server.refreshes).toBe(0);
    expect(server.sent.map((sent) => sent.csrf)).toEqual(['login-1', 'login-1', 'login-2']);
  });

  it('a fresh read that lagged the jar (seen in WebKit after a login in another tab) is also sent again once', async () => {
    // The jar has the new login's value; the worker's first read still gives the old one.
    const jarValue = 'login-2';
    let readsBehind = 1;
    const lagging: CookieReader = {
      get: async () => {
        if (readsBehind > 0) {
          readsBehind -= 1;
          return { value: 'login-1' };
        }
        return { value: jarValue };
      },
    };
    const sent: (string | null)[] = [];
    const fetchImpl = (async (input: RequestInfo | URL) => {
      const csrf = (input as Request).headers.get('X-CSRF-TOKEN');
      sent.push(csrf);
      return csrf === jarValue ? new Response('ok') : new Response(JSON.stringify({ msg: 'CSRF double submit tokens do not match' }), { status: 401 });
    }) as typeof fetch;
    const credentials = new CookieCredentials(FLASK, lagging, fetchImpl);
    const coordinator = new RefreshCoordinator({
      credentials, store: new MemoryGenerationStore(), lock: new NoRefreshLock(), announce: () => undefined, refreshTimeoutMs: 1_000, cooldownMs: 1_000,
    });
    const broker = new TokenBroker({ config: FLASK, credentials, coordinator, fetch: fetchImpl });
    const answer = await broker.handle(new Request(`${ORIGIN}/api/a`, { method: 'POST', body: 'x' }));
    expect(answer.status).toBe(200);
    expect(sent).toEqual(['login-1', 'login-2']);
  });

  it('a 401 of a stamp whose kept values are still current is not sent again', async () => {
    const { broker, server } = doubleSubmitServer();
    await broker.handle(new Request(`${ORIGIN}/api/a`));
    const refused = await broker.handle(new Request(`${ORIGIN}/api/b`, { headers: { 'X-CSRF-TOKEN': 'page' } }));
    expect(refused.status).toBe(200); // stamped with the kept, current value
    expect(server.sent).toHaveLength(2);
  });

  it('a body that cannot be sent twice is stamped from a fresh read: the page gets 200 the first time', async () => {
    const { broker, server, jarState } = doubleSubmitServer({ maxReplayBodyBytes: 4 });
    await broker.handle(new Request(`${ORIGIN}/api/a`));
    jarState.values.csrf_access_token = 'login-2';
    const big = await broker.handle(new Request(`${ORIGIN}/api/upload`, { method: 'POST', body: 'more than four bytes' }));
    expect(big.status).toBe(200);
    expect(server.sent.at(-1)).toEqual({ csrf: 'login-2', body: 'more than four bytes' });
    expect(server.sent).toHaveLength(2);
  });
});
