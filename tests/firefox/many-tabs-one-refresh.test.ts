import assert from 'node:assert/strict';
import { test } from 'node:test';
import { count, countCookieQuestions, fireBurst, logIn, openControlledTabs, withFirefox } from './firefox.ts';

const TABS = 3;
const REQUESTS_PER_TAB = 20;

for (const rotation of [true, false]) {
  test(`In Firefox, ${TABS} tabs x ${REQUESTS_PER_TAB} concurrent requests after expiry cost one refresh and all succeed, rotation ${rotation ? 'on' : 'off'}.`, async () => {
    await withFirefox({}, async (run) => {
      const { demo } = run;
      await demo.control({ rotation, reuseDetection: rotation });
      const tabs = await openControlledTabs(run, TABS);
      await logIn(tabs[0]!);
      await demo.expireAccessTokens();
      await demo.resetCounters();
      const questions = await Promise.all(tabs.map((tab) => countCookieQuestions(tab)));

      const statuses = (await Promise.all(tabs.map((tab) => fireBurst(tab, REQUESTS_PER_TAB)))).flat();
      const stats = await demo.stats();

      const succeeded = count(statuses, 200);
      // Firefox gives some workers a cookieStore that sees no cookie at all: then the tabs answer.
      const askedTabs = (await Promise.all(questions.map((read) => read()))).reduce((sum, n) => sum + n, 0);
      console.log(`firefox, rotation ${rotation ? 'on' : 'off'}: ${TABS} tabs x ${REQUESTS_PER_TAB} requests after expiry -> ` +
        `${stats.refreshRequests} refresh, ${stats.reuseDetected} reuse, ${succeeded}/${statuses.length} succeeded, ` +
        `${stats.api401} 401s on the wire (${stats.api401Expired} expired, ${stats.csrfFailures} CSRF mismatches), ` +
        `${count(statuses, 401)} seen by the page; cookies read ${askedTabs > 0 ? `through the tabs (${askedTabs} questions)` : "from the worker's cookieStore"}`);
      assert.equal(stats.refreshRequests, 1);
      assert.equal(stats.refreshSucceeded, 1);
      assert.equal(stats.reuseDetected, 0);
      assert.equal(stats.sessionsRevoked, 0);
      assert.equal(succeeded, TABS * REQUESTS_PER_TAB);
      // Every request reached the server and succeeded there once.
      assert.equal(stats.apiSucceeded, TABS * REQUESTS_PER_TAB);
    });
  });
}
