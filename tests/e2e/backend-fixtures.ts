// Browser-test fixtures whose backend is a choice: `test.use({ backendKind: 'flask' })` runs a
// scenario against the real flask-jwt-extended app, 'demo' against the demo server. Both satisfy
// TestBackend, so the scenario's code is the same. (The default is flask: these fixtures exist
// for the scenarios that prove the broker against the real library.)

import { test as base, type BrowserContext, type Page } from '@playwright/test';
import { logInInPage } from '../shared/naive-page.ts';
import { startBackend } from './backends.ts';
import type { BackendKind, TestBackend } from './test-backend.ts';

export { expect } from '@playwright/test';

export const test = base.extend<{ backend: TestBackend; backendKind: BackendKind; backendFiles: Record<string, string> | undefined }>({
  backendKind: ['flask', { option: true }],
  backendFiles: [undefined, { option: true }],
  backend: async ({ backendKind, backendFiles }, use) => {
    const backend = await startBackend(backendKind, { files: backendFiles });
    try {
      await use(backend);
    } finally {
      await backend.close();
    }
  },
});

/** Opens a tab on `path` and waits until the broker controls it. */
export async function openControlledTab(context: BrowserContext, backend: TestBackend, path = 'minimal.html'): Promise<Page> {
  const page = await context.newPage();
  await page.goto(new URL(path, backend.url).href);
  await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 15_000 });
  return page;
}

export async function logIn(page: Page): Promise<void> {
  const status = await page.evaluate(logInInPage, 'e2e');
  if (status !== 200) throw new Error(`login answered ${status}`);
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
