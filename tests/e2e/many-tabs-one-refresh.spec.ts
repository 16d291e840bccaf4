import { count, expect, fireBurst, logIn, openControlledTabs, test } from './fixtures.ts';
import type { Page } from '@playwright/test';

const TABS = 5;
const REQUESTS_PER_TAB = 20;

for (const rotation of [true, false]) {
  test(`${TABS} tabs x ${REQUESTS_PER_TAB} concurrent requests after expiry cost one refresh, rotation ${rotation ? 'on' : 'off'}`, async ({ context, demo }) => {
    await demo.control({ rotation, reuseDetection: rotation });
    const tabs = await openControlledTabs(context, demo, TABS);
    await logIn(tabs[0]!);
    await demo.expireAccessTokens();
    await demo.resetCounters();

    const statuses = (await Promise.all(tabs.map((tab) => fireBurst(tab, REQUESTS_PER_TAB)))).flat();
    const stats = await demo.stats();

    const succeeded = count(statuses, 200);
    console.log(`rotation ${rotation ? 'on' : 'off'}: ${TABS} tabs x ${REQUESTS_PER_TAB} requests after expiry -> ` +
      `${stats.refreshRequests} refresh, ${stats.reuseDetected} reuse, ${succeeded}/${statuses.length} succeeded, ` +
      `${stats.api401} 401s on the wire, 0 seen by the page: ${count(statuses, 401) === 0}`);
    expect(stats.refreshRequests).toBe(1);
    expect(stats.refreshSucceeded).toBe(1);
    expect(stats.reuseDetected).toBe(0);
    expect(stats.sessionsRevoked).toBe(0);
    expect(succeeded).toBe(TABS * REQUESTS_PER_TAB);
    // Every request reached the server and succeeded there once.
    expect(stats.apiSucceeded).toBe(TABS * REQUESTS_PER_TAB);
  });
}

test('the same page without the broker: every request after expiry reaches the page as a 401, and nothing refreshes', async ({ browser, demo }) => {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const tabs: Page[] = [];
  for (let i = 0; i < TABS; i += 1) {
    const tab = await context.newPage();
    await tab.goto(new URL('minimal.html', demo.url).href);
    tabs.push(tab);
  }
  await logIn(tabs[0]!);
  await demo.expireAccessTokens();
  await demo.resetCounters();

  const statuses = (await Promise.all(tabs.map((tab) => fireBurst(tab, REQUESTS_PER_TAB)))).flat();
  const stats = await demo.stats();
  console.log(`without the broker: ${count(statuses, 401)}/${statuses.length} requests saw a 401, ${stats.refreshRequests} refreshes`);
  expect(count(statuses, 401)).toBe(TABS * REQUESTS_PER_TAB);
  expect(stats.refreshRequests).toBe(0);
  await context.close();
});
