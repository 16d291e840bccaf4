// The soak: 10 tabs of one profile send nonstop for 60 s through the built broker while the demo
// server's access tokens live 2 s. A script with figures, not a timed test: it prints a report
// and exits 1 when a goal is missed, 2 when the soak itself could not run. Loopback only.
//
//   npm run soak        (builds dist/ first)
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from '@playwright/test';
import type { DemoStats } from '../src/server/demo-routes.ts';
import { type RunningDemoServer, startDemoServer } from '../src/server/start.ts';
import { findChromium } from './find-chromium.mjs';
import { formatReport, type SoakFigures } from './soak-report.ts';
import { runTabLoop, type TabLoopOptions, type TabLoopResult } from './soak-tab-loop.ts';
import { WorkerHeapProbe } from './soak-worker-heap.ts';

const TABS = 10;
// SOAK_SECONDS lengthens (or shortens) a run to tell a leak from warm-up; still bounded.
const SOAK_MS = soakSecondsFromEnv(60) * 1000;
// Heap samples taken while the traffic runs: not a goal (in-flight requests hold memory), a trend.
const HEAP_SAMPLE_EVERY_MS = 15_000;
// Long enough for a few expiries, so that the start heap is measured with every code path (refresh,
// replay, lock, IndexedDB) already loaded: the figure compared is growth, not first use.
const WARM_UP_MS = 6_000;
const ACCESS_TTL_SECONDS = 2;
// Three in flight per tab, 30 in all: more than Chromium's 6 connections per host, so requests queue
// in the browser. On a busy 2-core machine, 4 per tab already made a few requests wait longer than a
// token's whole life, so that their one replay met the next expiry and its 401 reached the page.
const LOOP: Omit<TabLoopOptions, 'durationMs'> = { maxRequests: 100_000, concurrency: 3, requestTimeoutMs: 15_000 };

// The default cooldownMs (3000) is longer than the 2 s access-token life: a 401 on a request stamped
// less than 3 s after the last refresh would not be taken for an expiry and would reach the page.
// 500 ms is shorter than any token's life here, yet still guards against refresh storms.
const SOAK_CONFIG = {
  preset: 'flask-jwt-extended',
  api: ['/api/'],
  refresh: { url: '/token/refresh' },
  cooldownMs: 500,
};
const SOAK_PAGE = `<!doctype html><html><head><meta charset="utf-8">
<script src="/token-broker-register.js" data-config="/soak.json"></script>
</head><body><p>Token Broker soak tab</p></body></html>`;

// As playwright.config.ts launches it: Debian's Chromium, no background traffic off loopback.
const CHROMIUM_ARGS = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

async function main(): Promise<number> {
  if (!existsSync('dist/token-broker-sw.js')) throw new Error('dist/ has no worker: run `npm run build` first (npm run soak does)');
  const staticDir = mkdtempSync(join(tmpdir(), 'token-broker-soak-'));
  let server: RunningDemoServer | undefined;
  let browser: Browser | undefined;
  try {
    cpSync('dist', staticDir, { recursive: true });
    writeFileSync(join(staticDir, 'soak.json'), JSON.stringify(SOAK_CONFIG));
    writeFileSync(join(staticDir, 'soak.html'), SOAK_PAGE);
    // Rotation and reuse detection are the server's defaults: a second refresh with a spent token would show.
    server = await startDemoServer({ host: '127.0.0.1', port: 0, staticDir, accessTtlSeconds: ACCESS_TTL_SECONDS });
    const origin = server.url;

    browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS, headless: true });
    const context = await browser.newContext();
    const tabs: Page[] = [];
    for (let i = 0; i < TABS; i += 1) {
      const tab = await context.newPage();
      await tab.goto(new URL('soak.html', origin).href);
      await tab.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 15_000 });
      tabs.push(tab);
    }
    await logIn(tabs[0]!);
    const heapProbe = await WorkerHeapProbe.attach(browser, new URL('token-broker-sw.js', origin).href);

    log(`warm-up: ${TABS} tabs for ${WARM_UP_MS / 1000} s`);
    await runTabs(tabs, WARM_UP_MS);
    // Every request of the warm-up has ended, so no 401 is on its way and no refresh is in flight:
    // from here on, every expired token the server counts has its refresh counted too.
    await serverCall(origin, 'POST', '__demo/reset');
    const heapStart = await heapProbe.measure();
    log(`soak: ${TABS} tabs x ${LOOP.concurrency} requests in flight for ${SOAK_MS / 1000} s, access tokens live ${ACCESS_TTL_SECONDS} s`);
    const startedMs = performance.now();
    const heapSamples: string[] = [];
    const sampler = setInterval(() => {
      heapProbe.measure().then(
        (heap) => heapSamples.push(`${((performance.now() - startedMs) / 1000).toFixed(0)} s: ${(heap.usedBytes / 1024).toFixed(0)} KiB`),
        () => undefined,
      );
    }, HEAP_SAMPLE_EVERY_MS);
    const results = await runTabs(tabs, SOAK_MS).finally(() => clearInterval(sampler));
    const elapsedMs = performance.now() - startedMs;
    const stats = await serverCall(origin, 'GET', '__demo/stats');
    const heapEnd = await heapProbe.measure();
    await heapProbe.detach();

    const figures: SoakFigures = {
      tabs: TABS,
      concurrency: LOOP.concurrency,
      elapsedMs,
      accessTtlSeconds: ACCESS_TTL_SECONDS,
      cooldownMs: SOAK_CONFIG.cooldownMs,
      pages: sumResults(results),
      refreshedHeardByTab0: results[0]?.refreshedHeard ?? 0,
      server: stats,
      heapStart,
      heapEnd,
      heapSamples,
    };
    const report = formatReport(figures);
    console.log(report.text);
    return report.goalsMet ? 0 : 1;
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.close().catch(() => undefined);
    rmSync(staticDir, { recursive: true, force: true });
  }
}

function runTabs(tabs: readonly Page[], durationMs: number): Promise<TabLoopResult[]> {
  return Promise.all(tabs.map((tab) => tab.evaluate(runTabLoop, { ...LOOP, durationMs })));
}

async function logIn(page: Page): Promise<void> {
  const status = await page.evaluate(async () => (await fetch('/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'soak' }),
  })).status);
  if (status !== 200) throw new Error(`login answered ${status}`);
}

function sumResults(results: readonly TabLoopResult[]): TabLoopResult {
  const total: TabLoopResult = {
    sent: 0, succeeded: 0, saw401: 0, seen401: [], otherStatuses: {}, networkErrors: 0, bodyMismatches: 0, latenciesMs: [], refreshedHeard: 0,
  };
  for (const result of results) {
    total.sent += result.sent;
    total.succeeded += result.succeeded;
    total.saw401 += result.saw401;
    total.networkErrors += result.networkErrors;
    total.bodyMismatches += result.bodyMismatches;
    total.refreshedHeard += result.refreshedHeard;
    for (const latency of result.latenciesMs) total.latenciesMs.push(latency);
    total.seen401.push(...result.seen401);
    for (const [status, count] of Object.entries(result.otherStatuses)) {
      total.otherStatuses[status] = (total.otherStatuses[status] ?? 0) + count;
    }
  }
  return total;
}

async function serverCall(origin: string, method: 'GET' | 'POST', path: string): Promise<DemoStats> {
  const response = await fetch(new URL(path, origin), { method });
  if (!response.ok) throw new Error(`demo server: ${method} /${path} answered ${response.status}`);
  return (await response.json()) as DemoStats;
}

function soakSecondsFromEnv(fallback: number): number {
  const raw = process.env.SOAK_SECONDS;
  if (raw === undefined || raw === '') return fallback;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 10 || seconds > 1800) throw new Error('SOAK_SECONDS must be an integer from 10 to 1800');
  return seconds;
}

function log(line: string): void {
  console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}`);
}

main().then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    // Messages of our own and Playwright's: none carries a cookie or token value.
    console.error(`soak could not run: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  },
);
