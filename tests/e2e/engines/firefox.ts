// Firefox ESR, driven by puppeteer-core over WebDriver BiDi (Playwright cannot drive Debian's
// firefox-esr, see ENVIRONMENT.md). A profile is a fresh Firefox with a fresh temporary profile:
// its own service worker registrations, cookies and IndexedDB.

import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { DEFAULT_WAIT_MS, type BrowserCookie, type Engine, type Profile, type ProfileOptions, type Tab } from './engine.ts';

const DEFAULT_FIREFOX_PATH = '/usr/bin/firefox-esr';

/** The Firefox to drive, or undefined when there is none. */
export function findFirefox(): string | undefined {
  const candidate = process.env.FIREFOX_PATH ?? DEFAULT_FIREFOX_PATH;
  return existsSync(candidate) ? candidate : undefined;
}

export async function launchFirefox(): Promise<Engine> {
  const executablePath = findFirefox();
  if (!executablePath) throw new Error(`no Firefox at ${process.env.FIREFOX_PATH ?? DEFAULT_FIREFOX_PATH}: install firefox-esr or set FIREFOX_PATH`);
  const open = new Set<Browser>();
  return {
    name: 'firefox',
    async newProfile(options: ProfileOptions = {}) {
      const browser = await puppeteer.launch({
        browser: 'firefox',
        executablePath,
        headless: true,
        // The HTTP/2 scenarios' origin has a certificate made at test time (http2-origin.ts).
        acceptInsecureCerts: true,
        extraPrefsFirefox: options.serviceWorkers === false ? { 'dom.serviceWorkers.enabled': false } : {},
      });
      open.add(browser);
      return firefoxProfile(browser, () => open.delete(browser));
    },
    async close() {
      await Promise.all([...open].map((browser) => browser.close().catch(() => undefined)));
    },
  };
}

function firefoxProfile(browser: Browser, forget: () => void): Profile {
  const consoleLines: string[] = [];
  return {
    engine: 'firefox',
    consoleLines,
    // BiDi offers no way to stop a service worker, and its offline mode spares the worker.
    devtools: undefined,
    async openTab(url) {
      const page = await browser.newPage();
      // Test code compiled with esbuild's keepNames wraps named functions in a __name helper that
      // exists only in node; give the page a no-op one.
      await page.evaluateOnNewDocument('globalThis.__name = (target) => target;');
      page.on('console', (message) => consoleLines.push(message.text()));
      await page.goto(url);
      return wrapPage(page);
    },
    cookies: async () => (await browser.cookies()).map((cookie): BrowserCookie => ({
      name: cookie.name,
      value: cookie.value,
      expiresAtMs: cookie.expires > 0 ? cookie.expires * 1_000 : undefined,
    })),
    async close() {
      forget();
      await browser.close().catch(() => undefined);
    },
  };
}

function wrapPage(page: Page): Tab {
  return {
    evaluate: <A, R>(fn: (arg: A) => R | Promise<R>, arg?: A) => page.evaluate(fn as (arg: unknown) => Promise<R>, arg) as Promise<R>,
    async waitForFunction(fn, timeoutMs = DEFAULT_WAIT_MS) {
      await page.waitForFunction(fn, { timeout: timeoutMs });
    },
    async addInitScript(fn) {
      await page.evaluateOnNewDocument(fn);
    },
    async goto(url) {
      await page.goto(url);
    },
    close: () => page.close(),
  };
}
