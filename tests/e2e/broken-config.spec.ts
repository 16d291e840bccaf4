import { adopterPage, expect, logIn, openTab, requires, test } from './fixtures.ts';

const BROKEN_CONFIGS = {
  'wrong-types.json': { text: JSON.stringify({ api: '/api/', refresh: { url: '/token/refresh' } }), says: '"api" must be a non-empty array' },
  'not-json.json': { text: '{ "api": ["/api/"], ', says: 'the answer is not valid JSON' },
  'unknown-key.json': { text: JSON.stringify({ api: ['/api/'], refresh: { url: '/token/refresh', retry: 3 } }), says: '"refresh.retry" is not a known key' },
};

test.use({
  backendFiles: Object.fromEntries(Object.entries(BROKEN_CONFIGS).flatMap(([name, { text }]) => [
    [name, text],
    [name.replace('.json', '.html'), adopterPage(`/${name}`)],
  ])),
});

for (const [name, { says }] of Object.entries(BROKEN_CONFIGS)) {
  test(`a broken config (${name}) stops the install, names what is wrong, and the page works as without the broker`, async ({ profile, backend }) => {
    requires(profile, 'pageConsole');
    const { consoleLines } = profile;
    const tab = await openTab(profile, backend, name.replace('.json', '.html'));

    // The failed install removes the registration: no worker, now or later.
    await expect.poll(() => consoleLines.some((line) => line.includes(says)), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => tab.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length)).toBe(0);
    expect(await tab.evaluate(() => navigator.serviceWorker.controller)).toBeNull();

    // The app runs exactly as it would without the broker, 401s included.
    await logIn(tab);
    expect(await tab.evaluate(async () => (await fetch('/api/whoami')).status)).toBe(200);
    await backend.expireAccessTokens();
    expect(await tab.evaluate(async () => (await fetch('/api/whoami')).status)).toBe(401);
    expect((await backend.stats()).refreshRequests).toBe(0);
  });
}
