// The demo server must speak flask-jwt-extended's protocol exactly: the same script of HTTP
// exchanges is played against it and against a real flask-jwt-extended app (tests/flask/app.py),
// and every answer (status, JSON body, cookies set with their attributes) and the counters at the
// end must be the same. The few differences we accept are listed in ACCEPTED_DIFFERENCES, each
// with its reason. No browser: this is the protocol itself, over real HTTP on loopback. It needs
// Debian's python3-flask and python3-python-flask-jwt-extended (.ci/run installs them); without
// them it fails, saying so, rather than pass without having compared anything.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend } from '../../e2e/backends.ts';
import type { BackendKind, TestBackend } from '../../e2e/test-backend.ts';

/** Where the demo server differs from real flask on purpose; everything else must be equal. */
const ACCEPTED_DIFFERENCES = {
  // flask-jwt-extended leaves SameSite unset by default (JWT_COOKIE_SAMESITE None); the demo sets
  // Lax, which is what Chromium and Firefox apply to an unset SameSite anyway.
  sameSite: 'the demo sets SameSite=Lax',
  // Flask's own 500 page is HTML; the demo answers JSON. The broker reads only the status.
  errorBody: 'a 500 body',
  // werkzeug's dev server closes every connection (Connection: close); the demo keeps them alive.
  connection: 'keep-alive',
} as const;

interface CookieRecord {
  name: string;
  /** Attribute names and the values that matter; Expires only as present or not. */
  attributes: Record<string, string | true>;
  cleared: boolean;
}

interface ExchangeRecord {
  step: string;
  status: number;
  body: unknown;
  cookies: CookieRecord[];
}

class Session {
  readonly records: ExchangeRecord[] = [];
  readonly jar = new Map<string, string>();

  constructor(private readonly backend: TestBackend) {}

  async send(step: string, path: string, init: { method?: string; headers?: Record<string, string>; body?: BodyInit; jar?: Map<string, string>; compareBody?: (body: unknown) => unknown } = {}): Promise<unknown> {
    const jar = init.jar ?? this.jar;
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(new URL(path, this.backend.url), { method: init.method ?? 'GET', headers, body: init.body });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      // Not JSON: kept as text, so that a difference shows.
    }
    if (response.status >= 500) body = ACCEPTED_DIFFERENCES.errorBody;
    const cookies = response.headers.getSetCookie().map(parseSetCookie);
    for (const cookie of cookies) {
      const value = response.headers.getSetCookie().find((line) => line.startsWith(`${cookie.name}=`))?.split(';')[0]?.slice(cookie.name.length + 1) ?? '';
      if (cookie.cleared) jar.delete(cookie.name);
      else jar.set(cookie.name, value);
    }
    cookies.sort((a, b) => a.name.localeCompare(b.name));
    this.records.push({ step, status: response.status, body: init.compareBody ? init.compareBody(body) : body, cookies });
    return body;
  }

  csrf(which: 'access' | 'refresh'): string {
    return this.jar.get(which === 'access' ? 'csrf_access_token' : 'csrf_refresh_token') ?? '';
  }
}

function parseSetCookie(line: string): CookieRecord {
  const [pair = '', ...rest] = line.split(';').map((part) => part.trim());
  const name = pair.slice(0, pair.indexOf('='));
  const value = pair.slice(pair.indexOf('=') + 1);
  const attributes: Record<string, string | true> = {};
  let expiresAt: number | undefined;
  for (const attribute of rest) {
    const [key = '', ...valueParts] = attribute.split('=');
    const lower = key.toLowerCase();
    const attributeValue = valueParts.join('=');
    if (lower === 'samesite' && attributeValue.toLowerCase() === 'lax') continue; // ACCEPTED_DIFFERENCES.sameSite
    if (lower === 'expires') {
      expiresAt = Date.parse(attributeValue);
      attributes.expires = true;
    } else {
      attributes[lower] = attributeValue === '' ? true : attributeValue;
    }
  }
  const maxAge = typeof attributes['max-age'] === 'string' ? Number(attributes['max-age']) : undefined;
  const cleared = value === '' || maxAge === 0 || (expiresAt !== undefined && expiresAt <= Date.now());
  // How a cookie is cleared (Max-Age=0 and/or a past Expires) does not matter, only that it is.
  if (cleared) {
    delete attributes['max-age'];
    delete attributes.expires;
  }
  return { name, attributes, cleared };
}

/** The part of an echo answer that does not depend on a multipart boundary. */
function echoWithoutBoundary(body: unknown): unknown {
  const echo = body as { method: string; parts?: unknown };
  return { method: echo.method, parts: echo.parts };
}

function tamperSignature(jwt: string): string {
  const last = jwt.at(-2) === 'A' ? 'B' : 'A';
  return `${jwt.slice(0, -2)}${last}${jwt.slice(-1)}`;
}

async function playScript(backend: TestBackend): Promise<{ records: ExchangeRecord[]; stats: unknown }> {
  const tab = new Session(backend);
  const json = { 'content-type': 'application/json' };

  await tab.send('no login: GET /api/whoami', 'api/whoami');
  await tab.send('login', 'login', { method: 'POST', headers: json, body: JSON.stringify({ username: 'ann' }) });
  await tab.send('GET /api/whoami', 'api/whoami');
  await tab.send('GET /api/items?n=3', 'api/items?n=3');
  await tab.send('GET /api/items?n=500 (clamped)', 'api/items?n=500', { compareBody: (body) => (body as { items: unknown[] }).items.length });
  await tab.send('POST without CSRF header', 'api/echo', { method: 'POST', body: 'hello' });
  await tab.send('POST with a wrong CSRF header', 'api/echo', { method: 'POST', body: 'hello', headers: { 'X-CSRF-TOKEN': 'wrong' } });
  for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
    await tab.send(`${method} /api/echo`, 'api/echo', { method, body: `body of ${method} ü`, headers: { 'X-CSRF-TOKEN': tab.csrf('access'), 'content-type': 'text/plain;charset=UTF-8' } });
  }
  await tab.send('GET /api/echo, no CSRF needed', 'api/echo');
  const form = new FormData();
  form.append('field', 'value ü');
  form.append('upload', new Blob([new Uint8Array([0, 1, 2, 250, 255])], { type: 'application/octet-stream' }), 'data.bin');
  form.append('after', 'last');
  await tab.send('multipart echo', 'api/echo', { method: 'POST', body: form, headers: { 'X-CSRF-TOKEN': tab.csrf('access') }, compareBody: echoWithoutBoundary });
  await tab.send('unknown /api/ route', 'api/nope');
  await tab.send('/api/always-401', 'api/always-401');

  const access = tab.jar.get('access_token_cookie') ?? '';
  const refresh = tab.jar.get('refresh_token_cookie') ?? '';
  await tab.send('a bad signature', 'api/whoami', { jar: new Map([['access_token_cookie', tamperSignature(access)]]) });
  await tab.send('not a JWT', 'api/whoami', { jar: new Map([['access_token_cookie', 'abc']]) });
  await tab.send('a refresh token as access token', 'api/whoami', { jar: new Map([['access_token_cookie', refresh]]) });
  await tab.send('an access token as refresh token', 'token/refresh', {
    method: 'POST', headers: { 'X-CSRF-TOKEN': tab.csrf('access') }, jar: new Map([['refresh_token_cookie', access]]),
  });
  await tab.send('refresh with the access CSRF value', 'token/refresh', { method: 'POST', headers: { 'X-CSRF-TOKEN': tab.csrf('access') } });
  await tab.send('refresh without CSRF header', 'token/refresh', { method: 'POST' });

  await backend.expireAccessTokens();
  await tab.send('expired: GET', 'api/whoami');
  await tab.send('expired: POST with a wrong CSRF header (a CSRF 401, not "expired")', 'api/echo', { method: 'POST', body: 'x', headers: { 'X-CSRF-TOKEN': 'wrong' } });
  await tab.send('expired: POST without CSRF header (the header is checked first)', 'api/echo', { method: 'POST', body: 'x' });
  await tab.send('expired again, same token (counted once)', 'api/items');
  const spent = new Map(tab.jar);
  await tab.send('refresh', 'token/refresh', { method: 'POST', headers: { 'X-CSRF-TOKEN': tab.csrf('refresh') } });
  await tab.send('after refresh: GET', 'api/whoami');
  const rotated = new Map(tab.jar);
  await tab.send('a spent refresh token again: reuse', 'token/refresh', { method: 'POST', headers: { 'X-CSRF-TOKEN': spent.get('csrf_refresh_token') ?? '' }, jar: spent });
  await tab.send('the rotated access token after reuse', 'api/whoami', { jar: rotated });
  await tab.send('the rotated refresh token after reuse', 'token/refresh', { method: 'POST', headers: { 'X-CSRF-TOKEN': rotated.get('csrf_refresh_token') ?? '' }, jar: rotated });

  await backend.control({ rotation: false });
  await tab.send('login again', 'login', { method: 'POST', headers: json, body: '{}' });
  await tab.send('refresh without rotation', 'token/refresh', { method: 'POST', headers: { 'X-CSRF-TOKEN': tab.csrf('refresh') } });
  await tab.send('the same refresh token again, no rotation', 'token/refresh', { method: 'POST', headers: { 'X-CSRF-TOKEN': tab.csrf('refresh') } });
  await backend.control({ rotation: true, sessionCookies: false });
  await tab.send('login, JWT_SESSION_COOKIE off', 'login', { method: 'POST', headers: json, body: '{}' });
  await backend.control({ cookieMaxAge: 'token-lifetime', accessTtlSeconds: 45 });
  await tab.send('login, the app passes max_age', 'login', { method: 'POST', headers: json, body: '{}' });
  await tab.send('refresh, the app passes max_age', 'token/refresh', { method: 'POST', headers: { 'X-CSRF-TOKEN': tab.csrf('refresh') } });
  await backend.control({ sessionCookies: true, cookieMaxAge: 'flask-default' });
  await backend.control({ refreshBehavior: 'refuse-401' });
  await tab.send('refresh refused', 'token/refresh', { method: 'POST', headers: { 'X-CSRF-TOKEN': tab.csrf('refresh') } });
  await backend.control({ refreshBehavior: 'error-500' });
  await tab.send('refresh fails with 500', 'token/refresh', { method: 'POST', headers: { 'X-CSRF-TOKEN': tab.csrf('refresh') } });
  await backend.control({ refreshBehavior: 'normal' });
  await tab.send('public route, outside /api/', 'public/echo-headers', { method: 'POST', compareBody: (body) => {
    const echo = body as { method: string; headers: Record<string, string> };
    return { method: echo.method, cookie: echo.headers.cookie };
  } });
  await tab.send('a control change the server refuses', '__demo/control', { method: 'POST', headers: json, body: JSON.stringify({ rotation: 'yes' }) });
  await tab.send('logout', 'logout', { method: 'POST' });
  await tab.send('after logout', 'api/whoami');

  const { options: _options, accessEpoch: _epoch, ...counters } = (await backend.stats()) as unknown as Record<string, unknown>;
  return { records: tab.records, stats: counters };
}

const recordings = new Map<BackendKind, { records: ExchangeRecord[]; stats: unknown }>();

const STARTUP_AND_SCRIPT_TIMEOUT_MS = 90_000;

describe('flask-jwt-extended protocol: the demo server answers as the real library does', () => {
  const started: TestBackend[] = [];
  beforeAll(async () => {
    for (const kind of ['demo', 'flask'] as const) {
      const backend = await startBackend(kind, { accessTtlSeconds: 600 });
      started.push(backend);
      recordings.set(kind, await playScript(backend));
    }
  }, STARTUP_AND_SCRIPT_TIMEOUT_MS);
  afterAll(async () => {
    await Promise.all(started.map((backend) => backend.close()));
  });

  it('every exchange gets the same status, JSON answer and cookies from both', () => {
    const demo = recordings.get('demo')!;
    const flask = recordings.get('flask')!;
    expect(flask.records.map((record) => record.step)).toEqual(demo.records.map((record) => record.step));
    for (const [index, flaskRecord] of flask.records.entries()) {
      expect.soft(demo.records[index], `step "${flaskRecord.step}"`).toEqual(flaskRecord);
    }
  });

  it('both count the same: the counters the browser tests assert on mean the same thing', () => {
    expect(recordings.get('demo')!.stats).toEqual(recordings.get('flask')!.stats);
    // And the script did exercise them: a counter that stays 0 on both proves nothing.
    // configRequests counts static .json files served, and this script runs before any build, with
    // no static files to serve: it stays 0 on both, and only the browser tests exercise it.
    const counters = recordings.get('flask')!.stats as Record<string, number>;
    for (const name of Object.keys(counters).filter((key) => key !== 'configRequests')) expect.soft(counters[name], name).toBeGreaterThan(0);
  });
});
