// What the bearer scenarios share: tabs of the demo's bearer page (oidc-client-ts, unchanged,
// against the demo server's oidc-provider), logged in once, calling the API on their own, and
// the provider's counters (GET /__demo/bearer/stats), the ground truth of every assertion.

import type { BearerCounts } from '../../src/server/bearer/bearer-counters.ts';
import type { BearerStats } from '../../src/server/bearer/bearer-state.ts';
import type { BearerDemoHandle } from '../../src/app/bearer/main.ts';
import { DEFAULT_WAIT_MS, type Profile, type Tab } from './engines/engine.ts';
import type { TestBackend } from './test-backend.ts';

/** What the helpers need of a backend: its URL (the demo server's, in a test or the bench). */
type BearerBackend = Pick<TestBackend, 'url'>;

export type { BearerCounts, BearerStats };

/** The page without its live API loop (the scenario starts it), renewing 2 s before expiry. */
export const BEARER_PAGE = 'bearer/?manual&renewAhead=2';
/** Access tokens live this long in the bearer scenarios: a few expiries fit in a test. */
export const BEARER_TTL_SECONDS = 6;
const CONTROL_TIMEOUT_MS = 10_000;

export async function bearerStats(backend: BearerBackend): Promise<BearerStats> {
  return (await call(backend, 'GET', '__demo/bearer/stats')) as BearerStats;
}

export async function resetBearerCounters(backend: BearerBackend): Promise<void> {
  await call(backend, 'POST', '__demo/bearer/reset');
}

export async function setBearerAccessTtl(backend: BearerBackend, seconds: number): Promise<void> {
  await call(backend, 'POST', '__demo/bearer/control', { accessTtlSeconds: seconds });
}

/** Revokes every grant at the server, as an administrator would: the next refresh is invalid_grant. */
export async function revokeAllGrants(backend: BearerBackend): Promise<void> {
  await call(backend, 'POST', '__demo/bearer/revoke');
}

/** Every token value the server issued (it must be started with recordIssuedTokens). */
export async function issuedTokens(backend: BearerBackend): Promise<string[]> {
  return ((await call(backend, 'GET', '__demo/bearer/issued')) as { tokens: string[] }).tokens;
}

/** Opens a bearer page and waits until its script is ready (and, with `controlled`, the broker controls it). */
export async function openBearerTab(profile: Profile, backend: BearerBackend, controlled: boolean, path = BEARER_PAGE): Promise<Tab> {
  const tab = await profile.openTab(new URL(path, backend.url).href);
  await untilInTab(tab, () => (window as unknown as { bearerDemo?: BearerDemoHandle }).bearerDemo?.ready === true);
  if (controlled) await tab.waitForFunction(() => !!navigator.serviceWorker.controller, DEFAULT_WAIT_MS);
  return tab;
}

/**
 * Logs in from `tab` as a person would (the page's "Log in" button: oidc-client-ts's redirect
 * through the provider, whose demo interaction needs no typing), then reopens the test's page.
 */
export async function logInThroughProvider(tab: Tab, backend: BearerBackend, path = BEARER_PAGE): Promise<void> {
  // The page before the login is marked: a tab that still holds an earlier login (an ended
  // session's user stays in oidc-client-ts's storage) would otherwise pass the check below before
  // the login's navigation has even begun (Firefox: the first check came first, no login was made).
  await tab.evaluate(() => {
    (window as unknown as { beforeLogin?: boolean }).beforeLogin = true;
    setTimeout(() => document.getElementById('login')?.click(), 0);
  });
  // Back on the page (a new document), the library has exchanged the code: its user is stored.
  await untilInTab(tab, async () => {
    const demo = (window as unknown as { bearerDemo?: BearerDemoHandle }).bearerDemo;
    return (window as unknown as { beforeLogin?: boolean }).beforeLogin !== true && location.pathname === '/bearer/' && !location.search.includes('code=') && demo?.ready === true && (await demo.tokens()).access !== undefined;
  });
  await tab.goto(new URL(path, backend.url).href);
  await untilInTab(tab, () => (window as unknown as { bearerDemo?: BearerDemoHandle }).bearerDemo?.ready === true);
}

/**
 * One tab logs in, then the others open on the shared login. The counters are zeroed right after
 * the login: what the tabs do while they open (a renew timer may fire) counts too.
 */
export async function openLoggedInBearerTabs(profile: Profile, backend: BearerBackend, count: number, controlled: boolean): Promise<Tab[]> {
  const first = await openBearerTab(profile, backend, controlled);
  await logInThroughProvider(first, backend);
  await resetBearerCounters(backend);
  const tabs = [first];
  while (tabs.length < count) tabs.push(await openBearerTab(profile, backend, controlled));
  return tabs;
}

export function startApiCalls(tab: Tab, intervalMs: number): Promise<void> {
  return tab.evaluate((ms) => (window as unknown as { bearerDemo: BearerDemoHandle }).bearerDemo.startApi(ms), intervalMs);
}

export function stopApiCalls(tab: Tab): Promise<void> {
  return tab.evaluate(() => (window as unknown as { bearerDemo: BearerDemoHandle }).bearerDemo.stopApi());
}

export interface TabTally {
  api: BearerDemoHandle['api'];
  renew: BearerDemoHandle['renew'];
  brokerHeard: unknown[];
}

export function tallyOf(tab: Tab): Promise<TabTally> {
  return tab.evaluate(() => {
    const demo = (window as unknown as { bearerDemo: BearerDemoHandle }).bearerDemo;
    return { api: { ...demo.api }, renew: { ...demo.renew }, brokerHeard: [...demo.brokerHeard] };
  });
}

/** Waits until the server has answered `wanted` more refresh grants than now (expiries go by on their own). */
export async function untilMoreRefreshGrants(backend: BearerBackend, more: number, which: 'oidc' | 'json' = 'oidc', timeoutMs = 60_000): Promise<void> {
  const wanted = (await bearerStats(backend))[which].refreshGrants + more;
  const deadline = Date.now() + timeoutMs;
  while ((await bearerStats(backend))[which].refreshGrants < wanted) {
    if (Date.now() > deadline) throw new Error(`the server saw fewer than ${wanted} refresh grants within ${timeoutMs} ms`);
    await sleep(250);
  }
}

/** Retries `fn` in the tab until it is truthy: it survives the navigations of a login redirect. */
export async function untilInTab(tab: Tab, fn: () => unknown, timeoutMs = DEFAULT_WAIT_MS * 2): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await tab.evaluate(fn)) return;
    } catch {
      // The page is navigating: ask again on the next one.
    }
    if (Date.now() > deadline) throw new Error(`the tab did not reach the wanted state within ${timeoutMs} ms`);
    await sleep(100);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function call(backend: BearerBackend, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(new URL(path, backend.url), {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(CONTROL_TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`demo server: ${method} /${path} answered ${response.status}`);
  return response.json();
}
