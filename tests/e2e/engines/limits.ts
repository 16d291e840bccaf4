// What each engine cannot do for a scenario, and why: the one list of exceptions. A scenario that
// needs one of these calls `requires(profile, capability)` and is skipped, with this reason, in
// the engines listed here; everywhere else it runs.

import { test } from '@playwright/test';
import type { EngineName, Profile } from './engine.ts';

export type Capability = 'stopServiceWorkers' | 'offline' | 'reloadBypassingCache' | 'workerConsole' | 'workerMemory' | 'pageConsole' | 'cookieExpiry' | 'streamRequestBody' | 'unfinishedUnauthorizedBody' | 'initScript' | 'cookieChangeEvents' | 'serviceWorkerOnUntrustedHttps' | 'separateIdenticalXhrGets';

export const ENGINE_LIMITS: Readonly<Record<EngineName, Partial<Record<Capability, string>>>> = {
  chromium: {},
  firefox: {
    stopServiceWorkers: 'WebDriver BiDi has no command that stops a service worker',
    offline: "offline emulation over BiDi cuts the tab's requests but not its service worker's (Firefox ESR 153, measured: the refresh and replays went through)",
    reloadBypassingCache: 'WebDriver BiDi in Firefox ESR 153 has no reload that bypasses the service worker',
    workerConsole: "puppeteer over BiDi delivers the pages' console lines, not the service worker's",
    workerMemory: "WebDriver BiDi has no command that reads a service worker's memory",
    cookieExpiry: "Firefox ESR 153's Cookie Store API gives a cookie's name and value, not its expiry: the broker cannot refresh ahead of an expiry there, and refreshes on the first 401 after it",
  },
  webkit: {
    stopServiceWorkers: 'WebDriver classic has no command that stops a service worker, and WebKitGTK has no other automation protocol',
    offline: 'WebDriver classic has no network conditions',
    reloadBypassingCache: 'WebDriver classic has no reload that bypasses the service worker (its refresh is a plain reload)',
    workerConsole: "WebDriver classic reads no console, and MiniBrowser's console-to-stdout setting does not reach the views it makes for automation: no console lines at all, pages' or worker's",
    pageConsole: "WebDriver classic reads no console, and MiniBrowser's console-to-stdout setting does not reach the views it makes for automation: no console lines at all, pages' or worker's",
    workerMemory: "WebDriver classic has no command that reads a service worker's memory",
    cookieExpiry: "WebKit's Cookie Store API gives no expires unless the testable feature CookieStoreAPIExtendedAttributes is on, and Safari ships it off: the broker refreshes on the first 401 after an expiry",
    unfinishedUnauthorizedBody: "WebKitGTK 2.50's network stack hands over a 401 (or 407) only once its whole body has arrived, with or without a service worker (measured: a 401 whose body ends after 2.5 s reaches the page at 2.5 s; one whose body never ends, with 70 KB sent, never does; 400, 403, 500 and 200 arrive at once): such a 401 reaches neither the page nor the worker",
    separateIdenticalXhrGets: "WebKit sends identical XHR GETs that are in flight at once in one page as one request, before any worker sees them (measured: 6 such GETs, 1 at the server; fetch() GETs are not merged): the server counts fewer requests than the page made",
    serviceWorkerOnUntrustedHttps: "WebKitGTK gives no service worker (navigator.serviceWorker is undefined) to a page on an HTTPS origin whose self-signed certificate the session accepted as an exception, and the test's HTTP/2 origin can only have such a certificate",
    cookieChangeEvents: "WebKit's Cookie Store API delivers no change events, to pages or to workers: a login goes unseen, so the broker learns the credentials' lifetime one expiry later (from its own first refresh)",
    initScript: 'WebDriver classic has no init scripts (a script of the test that runs in the page before its own scripts), so the answers a page reads cannot be recorded from inside it',
    streamRequestBody: "WebKitGTK 2.50's fetch rejects a ReadableStream request body (TypeError: ReadableStream uploading is not supported) before anything reaches the worker",
  },
};

/** Whether `profile`'s engine has `capability`: for a scenario that asserts what each engine does. */
export function can(profile: Profile, capability: Capability): boolean {
  return ENGINE_LIMITS[profile.engine][capability] === undefined;
}

/** Skips the running test, with the listed reason, where `profile`'s engine lacks `capability`. */
export function requires(profile: Profile, capability: Capability): void {
  const reason = ENGINE_LIMITS[profile.engine][capability];
  test.skip(reason !== undefined, `${profile.engine}: ${reason}`);
}
