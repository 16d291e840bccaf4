// What every browser scenario starts from: the engine of its Playwright project (Chromium,
// Firefox or WebKit, see engines/), a fresh browser profile, a backend of its own on a loopback port, and
// helpers that do in a tab what a naive app does (plain fetch and XHR, no refresh logic).
// A scenario file written against these runs unchanged in every engine.

import { test as base } from '@playwright/test';
import { burstInPage, logInInPage } from '../shared/naive-page.ts';
import { LOG_CHANNEL_NAME } from '../../src/sw/broker-log.ts';
import { startBackend } from './backends.ts';
import { launchChromium } from './engines/chromium.ts';
import { DEFAULT_WAIT_MS, type Engine, type EngineName, type Profile, type Tab } from './engines/engine.ts';
import { launchFirefox } from './engines/firefox.ts';
import { launchWebKit } from './engines/webkit.ts';
import type { BackendKind, TestBackend, TestBackendOptions } from './test-backend.ts';

export { adopterPage } from './demo-server.ts';
export type { Profile, Tab } from './engines/engine.ts';
export { can, requires } from './engines/limits.ts';
export { expect } from '@playwright/test';

/** Launching and closing a profile (a whole browser, in Firefox), not counted in the test's timeout. */
const PROFILE_TIMEOUT_MS = 120_000;

interface ScenarioFixtures {
  /** Which backend: the demo server (default) or the real flask-jwt-extended app, `test.use({ backendKind: 'flask' })`. */
  backendKind: BackendKind;
  /** The test's own backend; its counters are the ground truth of every assertion. */
  backend: TestBackend;
  /** Extra files served beside the built ones: `test.use({ backendFiles: {...} })`. */
  backendFiles: Record<string, string> | undefined;
  /** Start options of the backend: `test.use({ backendOptions: {...} })`. */
  backendOptions: Omit<TestBackendOptions, 'files'>;
  /** A fresh browser profile of the project's engine, closed after the test. */
  profile: Profile;
}

interface WorkerFixtures {
  engineName: EngineName;
  engine: Engine;
}

export const test = base.extend<ScenarioFixtures, WorkerFixtures>({
  engineName: ['chromium', { option: true, scope: 'worker' }],
  engine: [async ({ engineName }, use) => {
    const launch = { chromium: launchChromium, firefox: launchFirefox, webkit: launchWebKit }[engineName];
    const engine = await launch();
    await use(engine);
    await engine.close();
  }, { scope: 'worker' }],
  backendKind: ['demo', { option: true }],
  backendFiles: [undefined, { option: true }],
  backendOptions: [{}, { option: true }],
  backend: async ({ backendKind, backendFiles, backendOptions }, use) => {
    const backend = await startBackend(backendKind, { ...backendOptions, files: backendFiles });
    try {
      await use(backend);
    } finally {
      await backend.close();
    }
  },
  // Its own time budget, apart from the test's: a fresh Firefox took 30 to 55 s to launch on a
  // shared 2-core machine (load 20 to 40, measured 2026-12-01), which ate most of a 60 s test.
  profile: [async ({ engine }, use) => {
    const profile = await engine.newProfile();
    await use(profile);
    await profile.close();
  }, { timeout: PROFILE_TIMEOUT_MS }],
});

/** Opens a tab on an adopter page (the smallest by default) and waits until the broker controls it. */
export async function openControlledTab(profile: Profile, backend: TestBackend, path = 'minimal.html'): Promise<Tab> {
  const tab = await profile.openTab(new URL(path, backend.url).href);
  await tab.waitForFunction(() => !!navigator.serviceWorker.controller, DEFAULT_WAIT_MS);
  return tab;
}

export async function openControlledTabs(profile: Profile, backend: TestBackend, count: number, path = 'minimal.html'): Promise<Tab[]> {
  const tabs: Tab[] = [];
  for (let i = 0; i < count; i += 1) tabs.push(await openControlledTab(profile, backend, path));
  return tabs;
}

/** Opens a tab on `path` without waiting for the broker (an uncontrolled page, a broken config). */
export function openTab(profile: Profile, backend: TestBackend, path: string): Promise<Tab> {
  return profile.openTab(new URL(path, backend.url).href);
}

/** Logs in as the app would: the server sets the JWT and CSRF cookies. */
export async function logIn(tab: Tab): Promise<void> {
  const status = await tab.evaluate(logInInPage, 'e2e');
  if (status !== 200) throw new Error(`login answered ${status}`);
}

/**
 * Fires `count` requests at once from a tab, the naive way: GETs with fetch, POSTs with fetch
 * and a JSON body, PUTs with XHR; the CSRF header read from document.cookie as a flask front end
 * does. Returns each request's status as the page saw it (0: the request failed or was aborted).
 */
export function fireBurst(tab: Tab, count: number): Promise<number[]> {
  return tab.evaluate(burstInPage, count);
}

/** Starts recording what the tab hears on BroadcastChannel 'token-broker'; call the result to read it. */
export async function listenToBroker(tab: Tab): Promise<() => Promise<unknown[]>> {
  await tab.evaluate(() => {
    const heard: unknown[] = [];
    (window as unknown as { brokerMessages: unknown[] }).brokerMessages = heard;
    new BroadcastChannel('token-broker').onmessage = (event) => heard.push(event.data);
  });
  return () => tab.evaluate(() => (window as unknown as { brokerMessages: unknown[] }).brokerMessages);
}

/**
 * Starts recording the lines the broker's workers say (BroadcastChannel 'token-broker-log',
 * src/sw/broker-log.ts), as `level line`; call the result to read them. Every engine hears these,
 * where a worker's console reaches the test in Chromium only. Only lines said after this call.
 */
export async function listenToBrokerLog(tab: Tab): Promise<() => Promise<string[]>> {
  await tab.evaluate((channelName: string) => {
    const heard: string[] = [];
    (window as unknown as { brokerLogLines: string[] }).brokerLogLines = heard;
    new BroadcastChannel(channelName).onmessage = (event: MessageEvent<{ level: string; line: string }>) => {
      heard.push(`${event.data.level} ${event.data.line}`);
    };
  }, LOG_CHANNEL_NAME);
  return () => tab.evaluate(() => (window as unknown as { brokerLogLines: string[] }).brokerLogLines);
}

/**
 * Counts the broker's questions about cookies that reach this tab (see src/sw/page-cookie-reader.ts):
 * the broker asks the tabs only when its own cookieStore shows no cookie at all.
 */
export async function countCookieQuestions(tab: Tab): Promise<() => Promise<number>> {
  await tab.evaluate(() => {
    const counter = { questions: 0 };
    (window as unknown as { cookieQuestions: typeof counter }).cookieQuestions = counter;
    navigator.serviceWorker.addEventListener('message', (event: MessageEvent<unknown>) => {
      const type = (event.data as { type?: unknown } | null)?.type;
      if (type === 'token-broker:read-cookies') counter.questions += 1;
    });
  });
  return () => tab.evaluate(() => (window as unknown as { cookieQuestions: { questions: number } }).cookieQuestions.questions);
}

/** Waits until the backend has received `wanted` refresh requests (one a test holds open), or fails. */
export async function untilRefreshRequests(backend: TestBackend, wanted = 1, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = (await backend.stats()).refreshRequests;
  while (seen < wanted && Date.now() < deadline) {
    await sleep(50);
    seen = (await backend.stats()).refreshRequests;
  }
  if (seen < wanted) throw new Error(`the backend saw ${seen} refresh requests within ${timeoutMs} ms, not ${wanted}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function count(values: readonly number[], wanted: number): number {
  return values.filter((value) => value === wanted).length;
}
