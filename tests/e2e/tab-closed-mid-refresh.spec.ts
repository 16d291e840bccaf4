import { count, expect, fireBurst, logIn, openControlledTabs, test } from './fixtures.ts';

test('the tab that triggered the refresh closes mid-refresh: the refresh completes for the other tabs, once', async ({ profile, backend }) => {
  const [trigger, other] = await openControlledTabs(profile, backend, 2);
  await logIn(trigger!);
  await backend.control({ refreshDelayMs: 1_500 });
  await backend.expireAccessTokens();
  await backend.resetCounters();

  void fireBurst(trigger!, 5).catch(() => undefined);
  await expect.poll(async () => (await backend.stats()).refreshRequests).toBe(1);
  const held = fireBurst(other!, 10);
  await trigger!.close();

  const statuses = await held;
  const stats = await backend.stats();
  expect(count(statuses, 200)).toBe(10);
  expect(stats.refreshRequests).toBe(1);
  expect(stats.reuseDetected).toBe(0);
  expect(stats.sessionsRevoked).toBe(0);
});
