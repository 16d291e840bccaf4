// The shared scenario fixtures (fixtures.ts: an engine per project, a fresh profile per test) with
// the backend as a choice: `test.use({ backendKind: 'demo' | 'flask' })`. The default is the real
// flask-jwt-extended app (tests/flask/app.py): these fixtures are for the scenarios that prove the
// broker against the real library. Both backends satisfy TestBackend, so a scenario's code is the
// same for either; when fixtures.ts types its `backend` as TestBackend with this option, the
// scenarios here move to it by changing their import.

import { test as base } from '@playwright/test';
import { startBackend } from './backends.ts';
import { launchChromium } from './engines/chromium.ts';
import { DEFAULT_WAIT_MS, type Engine, type EngineName, type Profile, type Tab } from './engines/engine.ts';
import { launchFirefox } from './engines/firefox.ts';
import type { BackendKind, TestBackend, TestBackendOptions } from './test-backend.ts';

export { count, fireBurst, listenToBroker, logIn } from './fixtures.ts';
export { expect } from '@playwright/test';

interface ScenarioFixtures {
  backendKind: BackendKind;
  backend: TestBackend;
  backendFiles: Record<string, string> | undefined;
  backendOptions: Omit<TestBackendOptions, 'files'>;
  profile: Profile;
}

interface WorkerFixtures {
  engineName: EngineName;
  engine: Engine;
}

export const test = base.extend<ScenarioFixtures, WorkerFixtures>({
  engineName: ['chromium', { option: true, scope: 'worker' }],
  engine: [async ({ engineName }, use) => {
    const engine = engineName === 'firefox' ? await launchFirefox() : await launchChromium();
    await use(engine);
    await engine.close();
  }, { scope: 'worker' }],
  backendKind: ['flask', { option: true }],
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
  profile: async ({ engine }, use) => {
    const profile = await engine.newProfile();
    await use(profile);
    await profile.close();
  },
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

/** Opens a tab on `path` without waiting for a broker (a profile without service workers). */
export function openTab(profile: Profile, backend: TestBackend, path: string): Promise<Tab> {
  return profile.openTab(new URL(path, backend.url).href);
}
