// No 401 on the wire after the first expiry, with no expiry information (issue 10, goal 3):
// 5 tabs of steady traffic (each tab: one request after another, 50 ms apart) over 10 expiries
// of a short-lived access token whose cookies say nothing of its expiry (flask-jwt-extended's
// defaults: session cookies; and its JWT_SESSION_COOKIE = False: one-year cookies). The broker
// as built (it learns the lifetime), against the same broker with `learnLifetime: false` (the
// reactive broker before it: every expiry is met by the requests in flight). Figures: the
// expired-token 401s the server sent at the first expiry, and per later expiry.
// Standalone: `npm run build && tsx bench/learned-lifetime.ts`; bench/run.ts calls runLearnedLifetime.
// Its own demo server and served directory, so that it depends on nothing else of the bench.

import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from '@playwright/test';
import type { CounterSnapshot } from '../src/server/counters.ts';
import { startDemoServer } from '../src/server/start.ts';
import { launchBrowser, logIn, openTabs, withTimeout } from './tabs.ts';

const PROJECT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const TABS = 5;
const EXPIRIES = 10;
const ACCESS_TTL_SECONDS = 3;
const REFRESH_AHEAD_MS = 1_000;
const COOLDOWN_MS = 1_000;
const PAUSE_BETWEEN_REQUESTS_MS = 50;
const POLL_MS = 50;
/** Ten expiries of a 3 s token take about 35 s reactive; a variant that has not seen them in 90 s is stuck. */
const VARIANT_TIMEOUT_MS = 90_000;

interface Variant {
  readonly name: string;
  readonly learnLifetime: boolean;
  /** The backend's JWT_SESSION_COOKIE: true, session cookies; false, one-year cookies. */
  readonly sessionCookies: boolean;
}

const VARIANTS: readonly Variant[] = [
  { name: 'reactive broker (learnLifetime: false), session cookies', learnLifetime: false, sessionCookies: true },
  { name: 'broker, session cookies', learnLifetime: true, sessionCookies: true },
  { name: 'broker, one-year cookies', learnLifetime: true, sessionCookies: false },
];

export interface LearnedLifetimeRow {
  readonly variant: string;
  /** Expired-token 401s the server sent, attributed to the expiry they preceded (the first, then each later one). */
  readonly expired401PerExpiry: number[];
  readonly firstExpiry401s: number;
  readonly laterExpiries401sMean: number;
  readonly laterExpiries401sMax: number;
  /** Distinct access tokens that met an expired-token 401: one per expiry that cost a 401 round. */
  readonly tokensThatMet401: number;
  readonly refreshes: number;
  readonly reuseDetected: number;
  readonly requests: number;
  readonly requestsSucceeded: number;
}

export interface LearnedLifetimeResult {
  readonly tabs: number;
  readonly expiries: number;
  readonly accessTtlSeconds: number;
  readonly refreshAheadMs: number;
  readonly rows: LearnedLifetimeRow[];
}

/** In a tab: one request after another until window.benchStop is set; how many ended with each status. */
const PAGE_SCRIPT = `
window.benchSteady = async (pauseMs) => {
  const csrf = () => (document.cookie.split('; ').find((c) => c.startsWith('csrf_access_token=')) || '').slice('csrf_access_token='.length);
  const statuses = {};
  for (let i = 0; !window.benchStop; i += 1) {
    let status = 0;
    try {
      const response = i % 2 === 0
        ? await fetch('/api/items?n=' + (i % 5), { cache: 'no-store' })
        : await fetch('/api/echo', { method: 'POST', headers: { 'content-type': 'application/json', 'X-CSRF-TOKEN': csrf() }, body: JSON.stringify({ i }) });
      status = response.status;
      await response.arrayBuffer();
    } catch { status = 0; }
    statuses[status] = (statuses[status] || 0) + 1;
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  return statuses;
};
window.benchReady = true;`;

function pageFor(configPath: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>bench: learned lifetime</title>
<script src="/token-broker-register.js" data-config="${configPath}"></script><script>${PAGE_SCRIPT}</script></head><body></body></html>`;
}

function configFor(learnLifetime: boolean): string {
  return JSON.stringify({
    preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' },
    refreshAheadMs: REFRESH_AHEAD_MS, cooldownMs: COOLDOWN_MS, learnLifetime,
  });
}

export async function runLearnedLifetime(browser: Browser): Promise<LearnedLifetimeResult> {
  const dir = mkdtempSync(join(tmpdir(), 'token-broker-bench-learned-'));
  cpSync(join(PROJECT_DIR, 'dist'), dir, { recursive: true });
  for (const learn of [true, false]) {
    writeFileSync(join(dir, `token-broker-learn-${learn}.json`), configFor(learn));
    writeFileSync(join(dir, `learned-lifetime-${learn}.html`), pageFor(`/token-broker-learn-${learn}.json`));
  }
  const server = await startDemoServer({ host: '127.0.0.1', port: 0, staticDir: dir, accessTtlSeconds: 600 });
  try {
    const rows: LearnedLifetimeRow[] = [];
    for (const variant of VARIANTS) rows.push(await runVariant(browser, server.url, variant));
    return { tabs: TABS, expiries: EXPIRIES, accessTtlSeconds: ACCESS_TTL_SECONDS, refreshAheadMs: REFRESH_AHEAD_MS, rows };
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runVariant(browser: Browser, serverUrl: string, variant: Variant): Promise<LearnedLifetimeRow> {
  const control = (body: unknown) => call(serverUrl, 'POST', '__demo/control', body);
  await control({ accessTtlSeconds: 600, rotation: true, reuseDetection: true, sessionCookies: variant.sessionCookies });
  const context = await browser.newContext();
  try {
    const tabs = await openTabs(context, new URL(`learned-lifetime-${variant.learnLifetime}.html`, serverUrl).href, TABS,
      { controlled: true, readyGlobal: 'benchReady' });
    // Tokens issued from the login on live ACCESS_TTL_SECONDS; the warm-up call of logIn is answered before any dies.
    await control({ accessTtlSeconds: ACCESS_TTL_SECONDS });
    await logIn(tabs[0]!);
    await call(serverUrl, 'POST', '__demo/reset');
    const traffic = tabs.map((tab) => tab.evaluate((pauseMs) => (window as unknown as { benchSteady(ms: number): Promise<Record<string, number>> }).benchSteady(pauseMs), PAUSE_BETWEEN_REQUESTS_MS));
    const perExpiry = await withTimeout(expiredPerExpiry(serverUrl), VARIANT_TIMEOUT_MS, `${variant.name}: ${EXPIRIES} expiries`)
      .finally(() => stopTraffic(tabs));
    const statuses = await Promise.all(traffic);
    const stats = await call(serverUrl, 'GET', '__demo/stats') as CounterSnapshot;
    const requests = statuses.reduce((sum, s) => sum + Object.values(s).reduce((a, b) => a + b, 0), 0);
    const later = perExpiry.slice(1);
    return {
      variant: variant.name,
      expired401PerExpiry: perExpiry,
      firstExpiry401s: perExpiry[0] ?? 0,
      laterExpiries401sMean: Math.round((later.reduce((a, b) => a + b, 0) / Math.max(1, later.length)) * 10) / 10,
      laterExpiries401sMax: Math.max(0, ...later),
      tokensThatMet401: stats.expiredAccessTokens,
      refreshes: stats.refreshRequests,
      reuseDetected: stats.reuseDetected,
      requests,
      requestsSucceeded: statuses.reduce((sum, s) => sum + (s['200'] ?? 0), 0),
    };
  } finally {
    await context.close();
  }
}

/**
 * Polls the server until EXPIRIES refreshes have succeeded; the expired-token 401s counted before
 * each refresh are that expiry's (a generation ends with its refresh, ahead of the expiry or on it).
 */
async function expiredPerExpiry(serverUrl: string): Promise<number[]> {
  const perExpiry: number[] = [];
  let counted = 0;
  while (perExpiry.length < EXPIRIES) {
    const stats = await call(serverUrl, 'GET', '__demo/stats') as CounterSnapshot;
    while (perExpiry.length < Math.min(stats.refreshSucceeded, EXPIRIES)) {
      perExpiry.push(stats.api401Expired - counted);
      counted = stats.api401Expired;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return perExpiry;
}

async function stopTraffic(tabs: readonly Page[]): Promise<void> {
  await Promise.all(tabs.map((tab) => tab.evaluate(() => { (window as unknown as { benchStop: boolean }).benchStop = true; })));
}

async function call(serverUrl: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(new URL(path, serverUrl), {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`demo server: ${method} /${path} answered ${response.status}`);
  return response.json();
}

/** The figure as text: "401s on the wire per expiry, first and later". */
export function learnedLifetimeLines(result: LearnedLifetimeResult): string[] {
  const lines = [
    `401s on the wire per expiry, first and later: ${result.tabs} tabs of steady traffic over ${result.expiries} expiries ` +
    `(access token ${result.accessTtlSeconds} s, no readable expiry, refreshAheadMs ${result.refreshAheadMs})`,
    '| broker | first expiry | later expiries, mean (max) | expiries that met a 401 | refreshes | reuse | requests ok |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of result.rows) {
    lines.push(`| ${row.variant} | ${row.firstExpiry401s} | ${row.laterExpiries401sMean} (${row.laterExpiries401sMax}) | ` +
      `${row.tokensThatMet401} of ${result.expiries} | ${row.refreshes} | ${row.reuseDetected} | ${row.requestsSucceeded}/${row.requests} |`);
  }
  for (const row of result.rows) lines.push(`  ${row.variant}: expired-token 401s per expiry ${JSON.stringify(row.expired401PerExpiry)}`);
  return lines;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const browser = await launchBrowser();
  try {
    const result = await runLearnedLifetime(browser);
    for (const line of learnedLifetimeLines(result)) console.log(line);
    console.log(`(${Math.round((performance.now() - started) / 1000)} s)`);
  } finally {
    await browser.close();
  }
}
