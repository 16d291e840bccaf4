// What every browser test starts from: a demo server of its own, a fresh browser profile, and
// helpers that do in a tab what a naive app does (plain fetch and XHR, no refresh logic).

import { burstInPage, logInInPage } from '../shared/naive-page.ts';
import { test as base, type BrowserContext, type Page } from '@playwright/test';
import { DemoServer } from './demo-server.ts';

export { adopterPage } from './demo-server.ts';

export { expect } from '@playwright/test';

/** A test that needs its own config files sets them with `test.use({ demoFiles: {...} })`. */
export const test = base.extend<{ demo: DemoServer; demoFiles: Record<string, string> | undefined }>({
  demoFiles: [undefined, { option: true }],
  demo: async ({ demoFiles }, use) => {
    const demo = await DemoServer.start({ files: demoFiles });
    await use(demo);
    await demo.close();
  },
});

/** Opens a tab on the smallest adopter page and waits until the broker controls it. */
export async function openControlledTab(context: BrowserContext, demo: DemoServer, path = 'minimal.html'): Promise<Page> {
  const page = await context.newPage();
  await page.goto(new URL(path, demo.url).href);
  await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 15_000 });
  return page;
}

export async function openControlledTabs(context: BrowserContext, demo: DemoServer, count: number): Promise<Page[]> {
  const tabs: Page[] = [];
  for (let i = 0; i < count; i += 1) tabs.push(await openControlledTab(context, demo));
  return tabs;
}

/** Logs in as the app would: the server sets the JWT and CSRF cookies. */
export async function logIn(page: Page): Promise<void> {
  const status = await page.evaluate(logInInPage, 'e2e');
  if (status !== 200) throw new Error(`login answered ${status}`);
}

/**
 * Fires `count` requests at once from a tab, the naive way: GETs with fetch, POSTs with fetch
 * and a JSON body, PUTs with XHR; the CSRF header read from document.cookie as a flask front end
 * does. Returns each request's status as the page saw it (0: the request failed or was aborted).
 */
export function fireBurst(page: Page, count: number): Promise<number[]> {
  return page.evaluate(burstInPage, count);
}

/** Starts recording what the tab hears on BroadcastChannel 'token-broker'. */
export async function listenToBroker(page: Page): Promise<() => Promise<unknown[]>> {
  await page.evaluate(() => {
    const heard: unknown[] = [];
    (window as unknown as { brokerMessages: unknown[] }).brokerMessages = heard;
    new BroadcastChannel('token-broker').onmessage = (event) => heard.push(event.data);
  });
  return () => page.evaluate(() => (window as unknown as { brokerMessages: unknown[] }).brokerMessages);
}

export function count(values: readonly number[], wanted: number): number {
  return values.filter((value) => value === wanted).length;
}
