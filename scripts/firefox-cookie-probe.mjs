// Evidence for the Firefox difference (not a test). A bare service worker refreshes the demo
// session itself and reports what it can read right after each refresh response resolved: through
// its own Cookie Store API, and through a tab's document.cookie (the broker's fallback). No
// cookie value is printed or leaves the browser: the worker compares values and reports booleans.
//   node --import tsx scripts/firefox-cookie-probe.mjs [browsers] [refreshes per browser]
// Each browser is a fresh Firefox with a fresh profile, because what the worker's cookieStore
// sees is decided once per worker (see the summary lines).

import puppeteer from 'puppeteer-core';
import { DemoServer } from '../tests/e2e/demo-server.ts';
import { findFirefox } from '../tests/e2e/engines/firefox.ts';

const BROWSERS = Number(process.argv[2] ?? 6);
const REFRESHES = Number(process.argv[3] ?? 20);
const REREAD_BOUND_MS = 1_000;

// For each refresh: read the CSRF cookie (cookieStore and the tab), refresh, then at once read it
// again both ways and send a GET (passes only with the new access cookie) and a POST stamped
// with what cookieStore read at once; then re-read both ways, bounded, until the value moves.
const PROBE_WORKER = `
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));
const fromStore = async (name) => (await self.cookieStore.get(name))?.value;
async function fromTab(name) {
  const [tab] = await self.clients.matchAll({ type: 'window' });
  const channel = new MessageChannel();
  const answer = new Promise((resolve) => { channel.port1.onmessage = (e) => resolve(e.data ?? undefined); });
  tab.postMessage(name, [channel.port2]);
  return answer;
}
async function untilMoved(read, before, started) {
  let value = await read('csrf_access_token');
  const stale = value === before;
  while (value === before && performance.now() - started < ${REREAD_BOUND_MS}) {
    await new Promise((r) => setTimeout(r, 1));
    value = await read('csrf_access_token');
  }
  return { stale, movedAfterMs: value === before ? null : performance.now() - started };
}
async function probe() {
  const storeNames = (await self.cookieStore.getAll()).map((c) => c.name).sort().join(' ') || '(none)';
  const before = await fromTab('csrf_access_token');
  const storeBefore = await fromStore('csrf_access_token');
  const response = await fetch('/token/refresh', { method: 'POST', headers: { 'X-CSRF-TOKEN': await fromTab('csrf_refresh_token') } });
  response.body?.cancel();
  const answered = performance.now();
  const atOnce = await fromStore('csrf_access_token');
  const sent = Promise.all([
    fetch('/api/whoami').then((r) => r.status),
    fetch('/api/echo', { method: 'POST', headers: { 'X-CSRF-TOKEN': atOnce ?? '' }, body: 'x' }).then((r) => r.status),
  ]);
  const [store, tab] = await Promise.all([untilMoved(fromStore, storeBefore, answered), untilMoved(fromTab, before, answered)]);
  const [get, post] = await sent;
  return { storeNames, storeMatchesTab: storeBefore === before, refresh: response.status, get, post, store, tab };
}
self.addEventListener('message', (event) => { event.waitUntil(probe().then((r) => event.ports[0].postMessage(r))); });
`;

// The tab answers the worker with document.cookie, as the register script does for the broker.
const PAGE = `<!doctype html><meta charset="utf-8"><script>
navigator.serviceWorker.register('/probe-sw.js');
navigator.serviceWorker.addEventListener('message', (event) => {
  const pair = document.cookie.split('; ').find((c) => c.startsWith(event.data + '='));
  event.ports[0].postMessage(pair ? pair.slice(event.data.length + 1) : null);
});
</script>`;

const executablePath = findFirefox();
if (!executablePath) {
  console.log('firefox-cookie-probe: no Firefox (set FIREFOX_PATH or install firefox-esr)');
  process.exit(0);
}

const rows = [];
for (let b = 0; b < BROWSERS; b += 1) rows.push(...await probeOneBrowser(b));
summarize(rows);

async function probeOneBrowser(browserIndex) {
  const demo = await DemoServer.start({ files: { 'probe-sw.js': PROBE_WORKER, 'probe.html': PAGE } });
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath, headless: true });
  try {
    const page = await browser.newPage();
    await page.evaluateOnNewDocument('globalThis.__name = (target) => target;');
    await page.goto(new URL('probe.html', demo.url).href);
    await page.waitForFunction(() => !!navigator.serviceWorker.controller, { timeout: 15_000 });
    await page.evaluate(() => fetch('/login', { method: 'POST' }).then(() => undefined));
    const found = [];
    for (let i = 0; i < REFRESHES; i += 1) {
      await demo.expireAccessTokens();
      found.push({ browserIndex, ...await page.evaluate(() => new Promise((resolve) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = (event) => resolve(event.data);
        navigator.serviceWorker.controller.postMessage('probe', [channel.port2]);
      })) });
    }
    return found;
  } finally {
    await browser.close();
    await demo.close();
  }
}

function summarize(all) {
  const blindBrowsers = new Set(all.filter((r) => r.storeNames === '(none)').map((r) => r.browserIndex));
  console.log(`${BROWSERS} fresh browsers x ${REFRESHES} refreshes. The worker's cookieStore saw no cookie at all ` +
    `(getAll() empty while the tab's document.cookie had them) in ${blindBrowsers.size} of ${BROWSERS} browsers, for the worker's whole life.`);
  for (const [label, group] of [['cookieStore sees cookies', all.filter((r) => !blindBrowsers.has(r.browserIndex))],
    ['cookieStore blind', all.filter((r) => blindBrowsers.has(r.browserIndex))]]) {
    if (group.length === 0) continue;
    console.log(`  ${label}: ${group.length} refreshes (refresh status ${tally(group, (r) => r.refresh)}); ` +
      `right after the answer: GET ${tally(group, (r) => r.get)}, POST stamped from cookieStore ${tally(group, (r) => r.post)}`);
    for (const source of ['store', 'tab']) {
      if (source === 'store' && label === 'cookieStore blind') continue;
      const reads = group.map((r) => r[source]);
      const moved = reads.map((r) => r.movedAfterMs).filter((ms) => ms !== null).sort((x, y) => x - y);
      console.log(`    ${source === 'store' ? "worker's cookieStore" : "tab's document.cookie"}: still the old value at once in ` +
        `${reads.filter((r) => r.stale).length}/${reads.length}, new value seen after ` +
        `${moved.length ? `${moved[0].toFixed(1)}..${moved.at(-1).toFixed(1)} ms (median ${moved[moved.length >> 1].toFixed(1)})` : 'n/a'}, ` +
        `never within ${REREAD_BOUND_MS} ms: ${moved.length === reads.length ? 0 : reads.length - moved.length}`);
    }
  }
}

function tally(rows, key) {
  const counts = new Map();
  for (const row of rows) counts.set(String(key(row)), (counts.get(String(key(row))) ?? 0) + 1);
  return [...counts].map(([value, n]) => `${value} x${n}`).join(', ');
}
