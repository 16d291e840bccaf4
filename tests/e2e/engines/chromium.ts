// Chromium, driven by Playwright over CDP: Debian's build at /usr/bin/chromium (Playwright's own
// download does not work everywhere). One browser per test worker; a profile is a new context.

import { chromium, type Browser, type Page } from '@playwright/test';
import { findChromium } from '../../../scripts/find-chromium.mjs';
import { WorkerHeapProbe } from '../../../scripts/soak-worker-heap.ts';
import { DEFAULT_WAIT_MS, type BrowserCookie, type DevTools, type Engine, type Profile, type ProfileOptions, type Tab } from './engine.ts';

// --ignore-certificate-errors: the HTTP/2 scenarios' origin has a certificate made at test time
// (http2-origin.ts); every other origin of the tests is plain http on loopback.
const LAUNCH_ARGS = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
  '--ignore-certificate-errors'];

export async function launchChromium(): Promise<Engine> {
  const browser = await chromium.launch({ executablePath: findChromium(), headless: true, args: LAUNCH_ARGS });
  return {
    name: 'chromium',
    newProfile: (options) => newProfile(browser, options),
    close: () => browser.close(),
  };
}

async function newProfile(browser: Browser, options: ProfileOptions = {}): Promise<Profile> {
  const context = await browser.newContext({ serviceWorkers: options.serviceWorkers === false ? 'block' : 'allow', ignoreHTTPSErrors: true });
  const consoleLines: string[] = [];
  // Pages' and service workers' console lines both arrive on the context.
  context.on('console', (message) => consoleLines.push(message.text()));
  context.on('weberror', (error) => consoleLines.push(String(error.error())));
  const tabs = new Map<Tab, Page>();
  const devtools: DevTools = {
    async stopServiceWorkers(tab) {
      const cdp = await context.newCDPSession(pageOf(tabs, tab));
      await cdp.send('ServiceWorker.enable');
      await cdp.send('ServiceWorker.stopAllWorkers');
    },
    setOffline: (offline) => context.setOffline(offline),
    async reloadBypassingCache(tab) {
      const page = pageOf(tabs, tab);
      const cdp = await context.newCDPSession(page);
      await Promise.all([page.waitForEvent('load'), cdp.send('Page.reload', { ignoreCache: true })]);
    },
    async serviceWorkerMemory(scriptUrlPrefix) {
      const probe = await WorkerHeapProbe.attach(browser, scriptUrlPrefix);
      try {
        const heap = await probe.measure();
        return { heapUsedBytes: heap.usedBytes, arrayBufferBytes: heap.backingStorageBytes };
      } finally {
        await probe.detach();
      }
    },
  };
  return {
    engine: 'chromium',
    consoleLines,
    devtools,
    async openTab(url) {
      const page = await context.newPage();
      await page.goto(url);
      const tab = wrapPage(page);
      tabs.set(tab, page);
      return tab;
    },
    cookies: async () => (await context.cookies()).map((cookie): BrowserCookie => ({
      name: cookie.name,
      value: cookie.value,
      expiresAtMs: cookie.expires > 0 ? cookie.expires * 1_000 : undefined,
    })),
    close: () => context.close(),
  };
}

function wrapPage(page: Page): Tab {
  return {
    // The driver's one signature is Playwright's own; only the types of its overloads differ.
    evaluate: <A, R>(fn: (arg: A) => R | Promise<R>, arg?: A) => page.evaluate(fn as (arg: unknown) => R | Promise<R>, arg),
    async waitForFunction(fn, timeoutMs = DEFAULT_WAIT_MS) {
      await page.waitForFunction(fn, undefined, { timeout: timeoutMs });
    },
    async addInitScript(fn) {
      await page.addInitScript(fn);
    },
    async goto(url) {
      await page.goto(url);
    },
    close: () => page.close(),
  };
}

function pageOf(tabs: Map<Tab, Page>, tab: Tab): Page {
  const page = tabs.get(tab);
  if (!page) throw new Error('this tab belongs to another profile');
  return page;
}
