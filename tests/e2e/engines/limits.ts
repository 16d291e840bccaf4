// What each engine cannot do for a scenario, and why: the one list of exceptions. A scenario that
// needs one of these calls `requires(profile, capability)` and is skipped, with this reason, in
// the engines listed here; everywhere else it runs.

import { test } from '@playwright/test';
import type { EngineName, Profile } from './engine.ts';

export type Capability = 'stopServiceWorkers' | 'offline' | 'reloadBypassingCache' | 'workerConsole' | 'pageConsole' | 'initScript' | 'streamRequestBody' | 'cookieStoreExpires';

export const ENGINE_LIMITS: Readonly<Record<EngineName, Partial<Record<Capability, string>>>> = {
  chromium: {},
  firefox: {
    stopServiceWorkers: 'WebDriver BiDi has no command that stops a service worker',
    offline: "offline emulation over BiDi cuts the tab's requests but not its service worker's (Firefox ESR 153, measured: the refresh and replays went through)",
    reloadBypassingCache: 'WebDriver BiDi in Firefox ESR 153 has no reload that bypasses the service worker',
    workerConsole: "puppeteer over BiDi delivers the pages' console lines, not the service worker's",
  },
  webkit: {
    stopServiceWorkers: 'WebDriver classic has no command that stops a service worker, and WebKitGTK has no other automation protocol',
    offline: 'WebDriver classic has no network conditions',
    reloadBypassingCache: 'WebDriver classic has no reload that bypasses the service worker (its refresh is a plain reload)',
    workerConsole: "WebDriver classic reads no console, and MiniBrowser's console-to-stdout setting does not reach the views it makes for automation",
    // Firefox shows a worker's failed install in the page's console, so checks on the broker's
    // words that need only that run there; in WebKit no line at all can be read.
    pageConsole: "WebDriver classic reads no console, and MiniBrowser's console-to-stdout setting does not reach the views it makes for automation: no console lines at all, pages' or worker's",
    cookieStoreExpires: "WebKit's cookieStore.get() gives no expires unless the testable feature CookieStoreAPIExtendedAttributes is on, and Safari ships it off, so refreshing ahead has nothing to go by",
    streamRequestBody: "WebKitGTK 2.50's fetch rejects a ReadableStream request body (TypeError: ReadableStream uploading is not supported) before anything reaches the worker",
    initScript: "WebDriver classic has no script that runs before a page's own (WebDriver BiDi's preload scripts would; this driver speaks classic)",
  },
};

/** Skips the running test, with the listed reason, where `profile`'s engine lacks `capability`. */
export function requires(profile: Profile, capability: Capability): void {
  const reason = ENGINE_LIMITS[profile.engine][capability];
  test.skip(reason !== undefined, `${profile.engine}: ${reason}`);
}
