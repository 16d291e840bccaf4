import { markedBurstInPage } from '../shared/marked-burst.ts';
import { count, expect, fireBurst, logIn, openControlledTabs, test, untilRefreshRequests } from './fixtures.ts';
import { expectInside, markOf, markOnServer, onlyRefresh, serverEvents } from './server-events.ts';

test('the tab that triggered the refresh closes mid-refresh: the refresh completes for the other tabs, once', async ({ profile, backend }) => {
  const [trigger, other] = await openControlledTabs(profile, backend, 2);
  await logIn(trigger!);
  // Long enough that the other tab's requests and the close surely land while the server holds
  // the refresh (asserted below), even on a busy machine.
  await backend.control({ refreshDelayMs: 4_000 });
  await backend.expireAccessTokens();
  await backend.resetCounters();

  // The trigger's burst never settles for us: its tab is closed under it.
  void fireBurst(trigger!, 5).catch(() => undefined);
  await untilRefreshRequests(backend);
  const held = other!.evaluate(markedBurstInPage, { count: 10, label: 'other tab made its requests' });
  await trigger!.close();
  await markOnServer(backend, 'trigger tab closed');

  const statuses = await held;
  const stats = await backend.stats();
  expect(count(statuses, 200)).toBe(10);
  expect(stats.refreshRequests).toBe(1);
  expect(stats.refreshSucceeded).toBe(1);
  expect(stats.reuseDetected).toBe(0);
  expect(stats.sessionsRevoked).toBe(0);
  // The other tab's requests were made, and the trigger closed, while the server held the refresh.
  const events = await serverEvents(backend);
  const refresh = onlyRefresh(events);
  expect(refresh.ended.status).toBe(200);
  expectInside(markOf(events, 'other tab made its requests'), refresh);
  expectInside(markOf(events, 'trigger tab closed'), refresh);
});
