import assert from 'node:assert/strict';
import { test } from 'node:test';
import { count, fireBurst, logIn, openControlledTabs, untilRefreshRequests, withFirefox } from './firefox.ts';

test('In Firefox, the tab that triggered the refresh closes mid-refresh: the refresh completes for the other tabs, once.', async () => {
  await withFirefox({}, async (run) => {
    const { demo } = run;
    const [trigger, other] = await openControlledTabs(run, 2);
    await logIn(trigger!);
    await demo.control({ refreshDelayMs: 1_500 });
    await demo.expireAccessTokens();
    await demo.resetCounters();

    // The trigger's burst never settles for us: its tab is closed under it.
    void fireBurst(trigger!, 5).catch(() => undefined);
    await untilRefreshRequests(run);
    const held = fireBurst(other!, 10);
    await trigger!.close();

    const statuses = await held;
    const stats = await demo.stats();
    console.log(`firefox, tab closed mid-refresh: ${count(statuses, 200)}/10 in the other tab succeeded, ` +
      `${stats.refreshRequests} refresh, ${stats.reuseDetected} reuse`);
    assert.equal(count(statuses, 200), 10);
    assert.equal(stats.refreshRequests, 1);
    assert.equal(stats.reuseDetected, 0);
    assert.equal(stats.sessionsRevoked, 0);
  });
});
