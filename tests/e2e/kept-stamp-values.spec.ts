// Where the worker hears the stamped cookies' change events (Chromium, Firefox), it keeps their
// values between requests instead of reading them at every one (src/sw/stamp-cache.ts). A login
// changes them, and its change event reaches the worker only after the new cookies are in the
// jar: a request stamped in between carries the old CSRF value, which the server refuses. The
// broker must then send it once more with the current value: the page never sees a 401 it would
// not have had without the broker, and nothing refreshes. Against the demo server and the real
// flask-jwt-extended, whose double submit check is the one that refuses.
import { BACKEND_KINDS } from './backends.ts';
import { count, expect, fireBurst, logIn, openControlledTabs, sleep, test } from './fixtures.ts';

test.describe.configure({ timeout: 120_000 });

const LOGINS = 10;
const BURST = 6;

for (const backendKind of BACKEND_KINDS) {
  test.describe(`${backendKind} backend`, () => {
    test.use({ backendKind });

    test('logins in another tab while a tab keeps sending: every request succeeds at its first answer to the page, nothing refreshes', async ({ profile, backend }) => {
      const tabs = await openControlledTabs(profile, backend, 2);
      const sender = tabs[0]!;
      const loginTab = tabs[1]!;
      await logIn(sender);
      // Warm: the worker has read (and, where it may, kept) the values before the logins start.
      expect(await fireBurst(sender, BURST)).toEqual(Array(BURST).fill(200));
      await backend.resetCounters();

      let loggingIn = true;
      const statuses: number[] = [];
      const sending = (async () => {
        while (loggingIn) statuses.push(...(await fireBurst(sender, BURST)));
        statuses.push(...(await fireBurst(sender, BURST)));
      })();
      for (let login = 0; login < LOGINS; login += 1) {
        await logIn(loginTab);
        await sleep(120);
      }
      loggingIn = false;
      await sending;

      const stats = await backend.stats();
      console.log(`${profile.engine}, ${backendKind}: ${LOGINS} logins during ${statuses.length} requests: ${count(statuses, 200)} x 200 at the page; ` +
        `${stats.apiRequests} at the server, ${stats.csrfFailures} refused for their CSRF value (sent again), ${stats.refreshRequests} refreshes`);
      expect(count(statuses, 200)).toBe(statuses.length);
      expect(stats.refreshRequests).toBe(0);
      // Each request succeeded once at the server; the others there are the refused ones sent again.
      expect(stats.apiSucceeded).toBe(statuses.length);
      expect(stats.apiRequests).toBe(statuses.length + stats.csrfFailures);
    });
  });
}
