// Bearer mode's generic JSON variant, against the demo server's hand-made backend (POST
// /auth/login and /auth/refresh {"refreshToken"} answering {"accessToken","refreshToken","expiresIn"},
// rotation with reuse revocation). The app is written the naive way many are: tokens in
// localStorage, every tab refreshing on its own timer before expiry and again on any 401.
import { adopterPage, expect, openControlledTabs, sleep, test } from './fixtures.ts';
import type { Tab } from './fixtures.ts';
import { bearerStats, issuedTokens, resetBearerCounters, setBearerAccessTtl, untilMoreRefreshGrants } from './bearer-tabs.ts';

const TABS = 3;
const EXPIRIES = 3;
const TTL_SECONDS = 6;

/** The naive app: each tab refreshes 2 s before expiry, and after any 401, with the stored refresh token. */
const NAIVE_JSON_APP = `
window.jsonApp = (() => {
  const tally = { sent: 0, succeeded: 0, unauthorized: 0, failed: 0 };
  const store = () => JSON.parse(localStorage.getItem('session') || 'null');
  const save = (s) => localStorage.setItem('session', JSON.stringify(s));
  let timer;
  async function refresh() {
    const s = store();
    if (!s) return;
    const r = await fetch('/auth/refresh', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken: s.refreshToken }) });
    if (r.ok) { const next = await r.json(); save(next); schedule(next.expiresIn); }
  }
  function schedule(expiresIn) { clearTimeout(timer); timer = setTimeout(refresh, Math.max(1, expiresIn - 2) * 1000); }
  async function login() {
    const r = await fetch('/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'demo' }) });
    const s = await r.json(); save(s); schedule(s.expiresIn); return r.status;
  }
  async function call() {
    tally.sent += 1;
    const send = () => fetch('/json-api/data', { headers: { Authorization: 'Bearer ' + (store() || {}).accessToken } });
    try {
      let r = await send();
      if (r.status === 401) { await refresh(); r = await send(); }
      if (r.ok) tally.succeeded += 1; else if (r.status === 401) tally.unauthorized += 1; else tally.failed += 1;
    } catch { tally.failed += 1; }
  }
  let running = false;
  async function loop(ms) { running = true; while (running) { await call(); await new Promise((res) => setTimeout(res, ms)); } }
  const s = store(); if (s) schedule(s.expiresIn);
  return { tally, login, loop, stop: () => { running = false; }, storage: () => JSON.stringify({ ...localStorage }) };
})();
`;

test.use({
  backendOptions: { recordIssuedTokens: true },
  backendFiles: {
    'token-broker-json.json': JSON.stringify({ api: ['/json-api/'], json: { refreshUrl: '/auth/refresh', loginUrls: ['/auth/login'] } }),
    'json-app.html': adopterPage('/token-broker-json.json').replace('</body>', `<script>${NAIVE_JSON_APP}</script></body>`),
  },
});

interface JsonApp {
  tally: { sent: number; succeeded: number; unauthorized: number; failed: number };
  login(): Promise<number>;
  loop(ms: number): Promise<void>;
  stop(): void;
  storage(): string;
}

function app(tab: Tab) {
  return {
    login: () => tab.evaluate(() => (window as unknown as { jsonApp: JsonApp }).jsonApp.login()),
    loop: (ms: number) => tab.evaluate((interval) => {
      void (window as unknown as { jsonApp: JsonApp }).jsonApp.loop(interval);
    }, ms),
    stop: () => tab.evaluate(() => (window as unknown as { jsonApp: JsonApp }).jsonApp.stop()),
    tally: () => tab.evaluate(() => ({ ...(window as unknown as { jsonApp: JsonApp }).jsonApp.tally })),
    storage: () => tab.evaluate(() => (window as unknown as { jsonApp: JsonApp }).jsonApp.storage()),
  };
}

test('a hand-made JSON token backend: one refresh per expiry for three naive tabs, nothing revoked, no real token in the page', async ({ profile, backend }) => {
  test.setTimeout(120_000);
  await setBearerAccessTtl(backend, TTL_SECONDS);
  const tabs = await openControlledTabs(profile, backend, TABS, 'json-app.html');
  expect(await app(tabs[0]!).login()).toBe(200);
  // The other tabs read the session the login stored (placeholders) and set their own timers.
  for (const tab of tabs.slice(1)) await tab.goto(new URL('json-app.html', backend.url).href);
  await resetBearerCounters(backend);
  for (const tab of tabs) await app(tab).loop(400);
  await untilMoreRefreshGrants(backend, EXPIRIES, 'json');
  for (const tab of tabs) await app(tab).stop();
  await sleep(1500);

  const { json } = await bearerStats(backend);
  const tallies = await Promise.all(tabs.map((tab) => app(tab).tally()));
  expect(json.refreshGrants).toBeGreaterThanOrEqual(EXPIRIES);
  expect(json.refreshEarly).toBe(0);
  expect(json.reuseDetected).toBe(0);
  expect(json.refreshFailed).toBe(0);
  expect(json.grantsRevoked).toBe(0);
  for (const tally of tallies) expect(tally).toEqual({ sent: tally.sent, succeeded: tally.sent, unauthorized: 0, failed: 0 });

  const real = await issuedTokens(backend);
  expect(real.length).toBeGreaterThanOrEqual(2 * (EXPIRIES + 1));
  const storage = await app(tabs[0]!).storage();
  expect(storage).toContain('refreshToken');
  for (const value of real) {
    expect(storage).not.toContain(value);
    for (const line of profile.consoleLines) expect(line).not.toContain(value);
  }
});
