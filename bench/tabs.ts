// The browser side of a cell: Chromium launched as playwright.config.ts launches it, tabs that
// are ready to measure (controlled by their worker when they have one), and the login.

import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { findChromium } from '../scripts/find-chromium.mjs';

const CHROMIUM_ARGS = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const READY_TIMEOUT_MS = 15_000;
/** No page.evaluate of the benchmark may take longer than this. */
export const EVALUATE_TIMEOUT_MS = 120_000;

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium(), headless: true, args: CHROMIUM_ARGS });
}

export interface TabOptions {
  /** Wait until a service worker controls the tab before it counts as ready. */
  controlled: boolean;
  /** A global the page's script sets when it is ready to measure. */
  readyGlobal: string;
  readyTimeoutMs?: number;
}

export async function openTab(context: BrowserContext, url: string, options: TabOptions): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  const timeout = options.readyTimeoutMs ?? READY_TIMEOUT_MS;
  await page.waitForFunction((name) => name in window, options.readyGlobal, { timeout });
  if (options.controlled) await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout });
  return page;
}

/**
 * Opens `count` tabs of one profile. With a worker, the first one alone, so that it installs the
 * worker and the others are controlled from their first load; without one, all together.
 */
export async function openTabs(context: BrowserContext, url: string, count: number, options: TabOptions): Promise<Page[]> {
  if (!options.controlled) return Promise.all(Array.from({ length: count }, () => openTab(context, url, options)));
  const first = await openTab(context, url, options);
  const others = await Promise.all(Array.from({ length: count - 1 }, () => openTab(context, url, options)));
  return [first, ...others];
}

/** Logs in as the app would (the server sets the JWT and CSRF cookies), then one warm-up call. */
export async function logIn(page: Page): Promise<void> {
  const statuses = await page.evaluate(async () => {
    const login = await fetch('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench' }),
    });
    const whoami = await fetch('/api/whoami', { cache: 'no-store' });
    return [login.status, whoami.status];
  });
  if (statuses.some((status) => status !== 200)) throw new Error(`login or warm-up answered ${statuses.join(', ')}`);
}

/** Rejects if `work` has not settled within `ms`: a stuck cell must not stall the whole run. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
