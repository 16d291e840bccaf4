// The page helper (dist/token-broker-page.js) in real tabs: each callback fires once per refresh
// outcome in every tab, whichever tab's requests caused the refresh; ready() says whether the
// broker controls the page, and says "never" without waiting when the tag was refused or the
// worker failed to install.
import type { Tab } from './engines/engine.ts';
import { count, expect, fireBurst, logIn, openControlledTabs, openTab, sleep, test } from './fixtures.ts';

const TABS = 3;
const CONFIG = JSON.stringify({ preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' }, cooldownMs: 200 });

function helperPage(tagAttributes: string): string {
  return `<!doctype html><html><head><meta charset="utf-8">
<script src="/token-broker-register.js" ${tagAttributes}></script>
<script type="module">
import { onRefreshed, onRefreshFailed, onSessionExpired, ready } from '/token-broker-page.js';
window.heard = [];
onRefreshed(({ generation }) => window.heard.push('refreshed ' + generation));
onRefreshFailed(({ reason }) => window.heard.push('refresh-failed ' + typeof reason));
onSessionExpired(() => window.heard.push('session-expired'));
ready().then((readiness) => { window.readiness = readiness; });
</script></head><body><p>an app using the page helper</p></body></html>`;
}

test.use({
  backendFiles: {
    'helper.json': CONFIG,
    'broken.json': JSON.stringify({ api: [] }),
    'helper.html': helperPage('data-config="/helper.json"'),
    'helper-bad-config.html': helperPage('data-config="/broken.json"'),
    'helper-refused-tag.html': helperPage('data-config="/helper.json" data-sw="/evil.js"'),
    // A broker at the scope /shop/: its namespace, and so its channel, is "shop" (token-broker:shop).
    'shop/helper.html': helperPage('data-config="/helper.json" data-scope="/shop/"'),
  },
});

function heard(tab: Tab): Promise<string[]> {
  return tab.evaluate(() => (window as unknown as { heard: string[] }).heard);
}

async function untilEveryTabHeard(tabs: readonly Tab[], wanted: number): Promise<void> {
  // A function, not a string: not every driver evaluates a string (WebKit's takes functions only).
  await Promise.all(tabs.map((tab) => tab.evaluate((n) => {
    (window as unknown as { wantedHeard: number }).wantedHeard = n;
  }, wanted)));
  for (const tab of tabs) {
    await tab.waitForFunction(() => (window as unknown as { heard: string[]; wantedHeard: number }).heard.length
      >= (window as unknown as { wantedHeard: number }).wantedHeard, 15_000);
  }
}

test('every tab\'s callbacks fire once per outcome: refreshed, refresh-failed, session-expired, refreshed again after a new login', async ({ profile, backend }) => {
  const tabs = await openControlledTabs(profile, backend, TABS, 'helper.html');
  for (const tab of tabs) expect(await tab.evaluate(() => (window as unknown as { readiness: unknown }).readiness)).toEqual({ controlled: true });
  await logIn(tabs[0]!);

  const phases: { behavior: 'normal' | 'error-500' | 'refuse-401'; expectHeard: RegExp }[] = [
    { behavior: 'normal', expectHeard: /^refreshed \d+$/ },
    { behavior: 'error-500', expectHeard: /^refresh-failed string$/ },
    { behavior: 'refuse-401', expectHeard: /^session-expired$/ },
  ];
  for (const [index, { behavior }] of phases.entries()) {
    await backend.control({ refreshBehavior: behavior });
    await backend.expireAccessTokens();
    await backend.resetCounters();
    // A failed refresh leaves only a 200 ms cooldown, and a later 401 of the same burst may find
    // it over on a loaded machine: the failure phases send one request from one tab (the others
    // hear the outcome all the same), so each phase is one refresh whatever the load.
    const [firing, perTab] = behavior === 'normal' ? [tabs, 5] : [tabs.slice(0, 1), 1];
    const statuses = (await Promise.all(firing.map((tab) => fireBurst(tab, perTab)))).flat();
    expect(count(statuses, behavior === 'normal' ? 200 : 401)).toBe(firing.length * perTab);
    expect((await backend.stats()).refreshRequests).toBe(1);
    await untilEveryTabHeard(tabs, index + 1);
    // Past the cooldown after a failure, so the next phase may refresh.
    await sleep(400);
  }
  // A new login ends the refused session's silence; its refresh is the last outcome, and the
  // channel delivers in order: a repeated announcement of an earlier outcome would show before it.
  await backend.control({ refreshBehavior: 'normal' });
  await logIn(tabs[1]!);
  await backend.expireAccessTokens();
  await backend.resetCounters();
  const last = (await Promise.all(tabs.map((tab) => fireBurst(tab, 5)))).flat();
  expect(count(last, 200)).toBe(TABS * 5);
  await untilEveryTabHeard(tabs, phases.length + 1);

  for (const tab of tabs) {
    const lines = await heard(tab);
    console.log(`${profile.engine}: a tab heard ${JSON.stringify(lines)}`);
    expect(lines).toHaveLength(4);
    phases.forEach(({ expectHeard }, i) => expect(lines[i]).toMatch(expectHeard));
    expect(lines[3]).toMatch(/^refreshed \d+$/);
    expect(lines[3]).not.toBe(lines[0]);
  }
});

test('ready() says "failed" when the worker refuses its config and "refused" for a refused tag, without waiting out its timeout', async ({ profile, backend }) => {
  for (const [path, reason] of [['helper-bad-config.html', 'failed'], ['helper-refused-tag.html', 'refused']] as const) {
    const tab = await openTab(profile, backend, path);
    // A reason other than 'timeout' is the proof it did not wait its 10 s out.
    await tab.waitForFunction(() => (window as unknown as { readiness?: unknown }).readiness !== undefined, 15_000);
    expect(await tab.evaluate(() => (window as unknown as { readiness: unknown }).readiness)).toEqual({ controlled: false, reason });
    expect(await tab.evaluate(() => !!navigator.serviceWorker.controller)).toBe(false);
    await tab.close();
  }
});

test('at the scope /shop/ the helper listens on that broker\'s channel by default (namespace "shop"), and hears its refresh once', async ({ profile, backend }) => {
  const [tab] = await openControlledTabs(profile, backend, 1, 'shop/helper.html');
  await logIn(tab!);
  await backend.expireAccessTokens();
  await backend.resetCounters();
  expect(count(await fireBurst(tab!, 5), 200)).toBe(5);
  expect((await backend.stats()).refreshRequests).toBe(1);
  await untilEveryTabHeard([tab!], 1);
  // A second refresh is the barrier: a repeated or stray first announcement would show before it.
  await backend.expireAccessTokens();
  expect(count(await fireBurst(tab!, 5), 200)).toBe(5);
  await untilEveryTabHeard([tab!], 2);
  expect(await heard(tab!)).toEqual(['refreshed 1', 'refreshed 2']);
});
