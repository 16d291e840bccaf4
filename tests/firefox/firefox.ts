// What every Firefox test starts from: Firefox ESR driven by puppeteer-core over WebDriver BiDi
// (Playwright cannot drive Debian's firefox-esr, see ENVIRONMENT.md), a fresh browser with a fresh
// profile per test, the demo server of tests/e2e, and the tab helpers of tests/e2e/fixtures.ts
// redone for puppeteer: the same naive app behaviour, so that both browsers face the same scenarios.
//
// Not ported: offline-during-refresh. Puppeteer's offline mode over BiDi (emulation.setNetworkConditions,
// per tab or global) cuts the tab's own requests in Firefox ESR 153 but not its service worker's
// (measured here: the broker's refresh and replays all went through), so the scenario cannot be made.
// worker-stopped-mid-refresh needs a way to stop a worker, which BiDi does not offer.

import { burstInPage, logInInPage } from '../shared/naive-page.ts';
import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { DemoServer, type DemoServerOptions } from '../e2e/demo-server.ts';

export { adopterPage, DemoServer } from '../e2e/demo-server.ts';

const DEFAULT_FIREFOX_PATH = '/usr/bin/firefox-esr';
const CONTROL_TIMEOUT_MS = 15_000;

/** The Firefox to drive, or undefined when there is none (the runner then skips). */
export function findFirefox(): string | undefined {
  const candidate = process.env.FIREFOX_PATH ?? DEFAULT_FIREFOX_PATH;
  return existsSync(candidate) ? candidate : undefined;
}

export interface FirefoxRun {
  readonly browser: Browser;
  readonly demo: DemoServer;
  /** What the pages wrote to the console (the service worker's console does not arrive here). */
  readonly consoleLines: string[];
}

/**
 * Starts a demo server and a fresh Firefox (a new temporary profile: its own service worker
 * registrations, cookies, IndexedDB), runs `body`, and always closes both.
 */
export async function withFirefox(options: DemoServerOptions, body: (run: FirefoxRun) => Promise<void>): Promise<void> {
  const executablePath = findFirefox();
  if (!executablePath) throw new Error('no Firefox: set FIREFOX_PATH or install firefox-esr');
  const demo = await DemoServer.start(options);
  let browser: Browser | undefined;
  try {
    browser = await puppeteer.launch({ browser: 'firefox', executablePath, headless: true });
    await body({ browser, demo, consoleLines: [] });
  } finally {
    await browser?.close().catch(() => undefined);
    await demo.close();
  }
}

/** Opens a tab on an adopter page and waits until the broker controls it. */
export async function openControlledTab(run: FirefoxRun, path = 'minimal.html'): Promise<Page> {
  const page = await openTab(run, path);
  await page.waitForFunction(() => !!navigator.serviceWorker.controller, { timeout: CONTROL_TIMEOUT_MS });
  return page;
}

/** Opens a tab and records its console lines into `run.consoleLines`. */
export async function openTab(run: FirefoxRun, path: string): Promise<Page> {
  const page = await run.browser.newPage();
  // tsx compiles these tests with esbuild's keepNames, which wraps the functions handed to
  // page.evaluate in calls to a __name helper that exists only in node; give the page a no-op one.
  await page.evaluateOnNewDocument('globalThis.__name = (target) => target;');
  page.on('console', (message) => run.consoleLines.push(message.text()));
  await page.goto(new URL(path, run.demo.url).href);
  return page;
}

export async function openControlledTabs(run: FirefoxRun, count: number, path = 'minimal.html'): Promise<Page[]> {
  const tabs: Page[] = [];
  for (let i = 0; i < count; i += 1) tabs.push(await openControlledTab(run, path));
  return tabs;
}

/** Logs in as the app would: the server sets the JWT and CSRF cookies. */
export async function logIn(page: Page): Promise<void> {
  const status = await page.evaluate(logInInPage, 'firefox');
  if (status !== 200) throw new Error(`login answered ${status}`);
}

/**
 * Fires `count` requests at once from a tab, the naive way (as tests/e2e/fixtures.ts does): GETs
 * with fetch, POSTs with fetch and a JSON body, PUTs with XHR, the CSRF header read from
 * document.cookie. Returns each request's status as the page saw it (0: failed or aborted).
 */
export function fireBurst(page: Page, count: number): Promise<number[]> {
  return page.evaluate(burstInPage, count);
}

/** Starts recording what the tab hears on BroadcastChannel 'token-broker'; call the result to read it. */
export async function listenToBroker(page: Page): Promise<() => Promise<unknown[]>> {
  await page.evaluate(() => {
    const heard: unknown[] = [];
    (window as unknown as { brokerMessages: unknown[] }).brokerMessages = heard;
    new BroadcastChannel('token-broker').onmessage = (event) => heard.push(event.data);
  });
  return () => page.evaluate(() => (window as unknown as { brokerMessages: unknown[] }).brokerMessages);
}

/** Polls `read` until `done` says yes or `timeoutMs` passes; returns the last value read. */
export async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

export function count(values: readonly number[], wanted: number): number {
  return values.filter((value) => value === wanted).length;
}

/**
 * Counts the broker's questions about cookies that reach this tab (see src/sw/page-cookie-reader.ts):
 * the broker asks the tabs only when its own cookieStore shows no cookie at all. Call the result
 * to read the count.
 */
export async function countCookieQuestions(page: Page): Promise<() => Promise<number>> {
  await page.evaluate(() => {
    const counter = { questions: 0 };
    (window as unknown as { cookieQuestions: typeof counter }).cookieQuestions = counter;
    navigator.serviceWorker.addEventListener('message', (event: MessageEvent<unknown>) => {
      const type = (event.data as { type?: unknown } | null)?.type;
      if (type === 'token-broker:read-cookies') counter.questions += 1;
    });
  });
  return () => page.evaluate(() => (window as unknown as { cookieQuestions: { questions: number } }).cookieQuestions.questions);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Waits until the demo server has received `wanted` refresh requests (the one a test holds open
 * with refreshDelayMs), and fails the test if it never does.
 */
export async function untilRefreshRequests(run: FirefoxRun, wanted = 1, timeoutMs = 5_000): Promise<void> {
  const seen = await pollUntil(async () => (await run.demo.stats()).refreshRequests, (n) => n >= wanted, timeoutMs);
  if (seen < wanted) throw new Error(`the server saw ${seen} refresh requests within ${timeoutMs} ms, not ${wanted}`);
}

/**
 * When a cookie of the browser expires, in ms since the epoch, as the browser itself keeps it
 * (read over WebDriver BiDi, not through the page: Firefox's cookieStore may not give expiries).
 * Undefined for a missing cookie or a session cookie.
 */
export async function cookieExpiresAtMs(run: FirefoxRun, name: string): Promise<number | undefined> {
  const cookie = (await run.browser.cookies()).find((candidate) => candidate.name === name);
  return cookie && cookie.expires > 0 ? cookie.expires * 1_000 : undefined;
}
