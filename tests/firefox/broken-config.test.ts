import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adopterPage, logIn, openTab, pollUntil, withFirefox } from './firefox.ts';

const BROKEN_CONFIGS = {
  'wrong-types.json': JSON.stringify({ api: '/api/', refresh: { url: '/token/refresh' } }),
  'not-json.json': '{ "api": ["/api/"], ',
  'unknown-key.json': JSON.stringify({ api: ['/api/'], refresh: { url: '/token/refresh', retry: 3 } }),
};

const FILES = Object.fromEntries(Object.entries(BROKEN_CONFIGS).flatMap(([name, text]) => [
  [name, text],
  [name.replace('.json', '.html'), adopterPage(`/${name}`)],
]));

for (const name of Object.keys(BROKEN_CONFIGS)) {
  test(`In Firefox, a broken config (${name}) stops the install and the page works as without the broker.`, async () => {
    await withFirefox({ files: FILES }, async (run) => {
      const tab = await openTab(run, name.replace('.json', '.html'));

      // The rejected install removes the registration: no worker, now or later. (Seen here: the
      // worker's console does not reach puppeteer in Firefox, so the message is checked in Chromium only.)
      const registrations = await pollUntil(
        () => tab.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length),
        (n) => n === 0, 10_000);
      // Give a slow install time to finish, then look again: still nothing.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      assert.equal(registrations, 0);
      assert.equal(await tab.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length), 0);
      assert.equal(await tab.evaluate(() => navigator.serviceWorker.controller === null), true);

      // The app runs exactly as it would without the broker, 401s included.
      await logIn(tab);
      assert.equal(await tab.evaluate(async () => (await fetch('/api/whoami')).status), 200);
      await run.demo.expireAccessTokens();
      assert.equal(await tab.evaluate(async () => (await fetch('/api/whoami')).status), 401);
      const stats = await run.demo.stats();
      assert.equal(stats.refreshRequests, 0);
      assert.equal(stats.api401, 1);
    });
  });
}
