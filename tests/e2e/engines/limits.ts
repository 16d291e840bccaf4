// What each engine cannot do for a scenario, and why: the one list of exceptions. A scenario that
// needs one of these calls `requires(profile, capability)` and is skipped, with this reason, in
// the engines listed here; everywhere else it runs.

import { test } from '@playwright/test';
import type { EngineName, Profile } from './engine.ts';

export type Capability = 'stopServiceWorkers' | 'offline' | 'reloadBypassingCache' | 'workerConsole' | 'workerMemory' | 'cookieExpiry';

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
