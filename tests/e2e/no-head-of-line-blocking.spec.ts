// One worker serves every tab, and its send window (src/sw/send-window.ts) paces brokered requests.
// A slot used to be held until the answer's headers came: 16 long-polls across the tabs (the
// window's default size) then stopped every other API request of the app, even on HTTP/2, where
// the browser itself would have sent it at once on the same connection. Now a request on the wire
// longer than a short bound stops counting against the window.
//
// HTTP/2 origin (https, self-signed certificate): http2-origin.ts. The order of events on the
// server is the proof; no time is asserted: the other request's answer came while all 16
// long-polls were still unanswered (they are held 10 s, the server's longest).
import { requires } from './engines/limits.ts';
import { expect, logIn, type Tab, test } from './fixtures.ts';
import { startHttp2Origin, type Http2Origin } from './http2-origin.ts';

const TABS = 4;
const LONG_POLLS_PER_TAB = 4;
const LONG_POLL_MS = 10_000;

let origin: Http2Origin;
test.beforeEach(async () => { origin = await startHttp2Origin(); });
test.afterEach(async () => { await origin.close(); });

async function untilServerSaw(path: string, wanted: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while ((await origin.events()).filter((event) => event.kind === 'api' && event.path === path).length < wanted) {
    if (Date.now() > deadline) throw new Error(`the server did not see ${wanted} requests to ${path}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('on HTTP/2, 16 long-polls open across tabs do not stop another API request: it reaches the server and is answered while they are all still open', async ({ profile }) => {
  requires(profile, 'serviceWorkerOnUntrustedHttps');
  const tabs: Tab[] = [];
  for (let i = 0; i < TABS; i += 1) {
    const tab = await profile.openTab(new URL('minimal.html', origin.url).href);
    await tab.waitForFunction(() => !!navigator.serviceWorker.controller);
    tabs.push(tab);
  }
  await logIn(tabs[0]!);
  expect(await tabs[0]!.evaluate(async () => (await fetch('/api/items?n=1')).status)).toBe(200);
  expect(origin.apiHttpVersions()).toEqual(['2.0']);

  // Fired and left open: each tab's long-polls run in the page while the test goes on. Every URL
  // differs: Chromium's HTTP cache lets only one of several identical GETs go at a time.
  await Promise.all(tabs.map((tab, tabIndex) => tab.evaluate(([count, ms, from]: [number, number, number]) => {
    for (let i = 0; i < count; i += 1) void fetch(`/api/slow?ms=${ms}&poll=${from + i}`).catch(() => undefined);
  }, [LONG_POLLS_PER_TAB, LONG_POLL_MS, tabIndex * LONG_POLLS_PER_TAB] as [number, number, number])));
  await untilServerSaw('/api/slow', TABS * LONG_POLLS_PER_TAB);

  const status = await tabs[1]!.evaluate(async () => (await fetch('/api/items?n=1')).status);
  expect(status).toBe(200);

  const events = await origin.events();
  const longPolls = events.filter((event) => event.kind === 'api' && event.path === '/api/slow');
  const other = events.filter((event) => event.kind === 'api' && event.path === '/api/items');
  expect(longPolls).toHaveLength(TABS * LONG_POLLS_PER_TAB);
  // The warm-up and the other request, both answered.
  expect(other.map((event) => event.status)).toEqual([200, 200]);
  // Answered while every long-poll was still unanswered.
  expect(longPolls.map((event) => event.status)).toEqual(longPolls.map(() => null));
});
