import { adopterPage, can, expect, listenToBrokerLog, logIn, openTab, sleep, test } from './fixtures.ts';

const BROKEN_CONFIGS = {
  'wrong-types.json': { text: JSON.stringify({ api: '/api/', refresh: { url: '/token/refresh' } }), says: '"api" must be a non-empty array' },
  'not-json.json': { text: '{ "api": ["/api/"], ', says: 'the answer is not valid JSON' },
  'unknown-key.json': { text: JSON.stringify({ api: ['/api/'], refresh: { url: '/token/refresh', retry: 3 } }), says: '"refresh.retry" is not a known key' },
};

test.use({
  backendFiles: {
    ...Object.fromEntries(Object.entries(BROKEN_CONFIGS).flatMap(([name, { text }]) => [
      [name, text],
      [name.replace('.json', '.html'), adopterPage(`/${name}`)],
    ])),
    // A page of the origin without the register script, to hear the worker's log channel.
    'log-listener.html': '<!doctype html><meta charset="utf-8"><p>listens to token-broker-log</p>',
  },
});

for (const [name, { says }] of Object.entries(BROKEN_CONFIGS)) {
  test(`a broken config (${name}) stops the install, names what is wrong, and the page works as without the broker`, async ({ profile, backend }) => {
    const { consoleLines } = profile;
    const heard = await listenToBrokerLog(await openTab(profile, backend, 'log-listener.html'));
    const tab = await openTab(profile, backend, name.replace('.json', '.html'));

    // The worker names the key: on its log channel, in every engine, and on its console, where
    // the engine passes that on (engines/limits.ts: workerConsole).
    await expect.poll(async () => (await heard()).filter((line) => line.startsWith('error token-broker: ') && line.includes(says)).length,
      { timeout: 10_000 }).toBe(1);
    if (can(profile, 'workerConsole')) {
      await expect.poll(() => consoleLines.some((line) => line.includes(says)), { timeout: 10_000 }).toBe(true);
    }
    // The failed install removes the registration: no worker, now or later.
    await expect.poll(() => tab.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length), { timeout: 10_000 }).toBe(0);
    // Give a slow install time to finish, then look again: still nothing.
    await sleep(2_000);
    expect(await tab.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length)).toBe(0);
    expect(await tab.evaluate(() => navigator.serviceWorker.controller)).toBeNull();

    // The app runs exactly as it would without the broker, 401s included.
    await logIn(tab);
    expect(await tab.evaluate(async () => (await fetch('/api/whoami')).status)).toBe(200);
    await backend.expireAccessTokens();
    expect(await tab.evaluate(async () => (await fetch('/api/whoami')).status)).toBe(401);
    const stats = await backend.stats();
    expect(stats.refreshRequests).toBe(0);
    expect(stats.api401).toBe(1);
  });
}
