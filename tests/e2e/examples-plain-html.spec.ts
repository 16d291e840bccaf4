// examples/plain-html: a plain HTML app with the tag only, its files and the two built files
// (copied beside them, as an adopter deploys them) served by a plain static server; the API is
// the demo server's, proxied on the same origin as nginx would. Expiry under concurrent load in
// several tabs: one refresh, every request of the app succeeds.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tab } from './engines/engine.ts';
import { expect, test } from './fixtures.ts';
import { startStaticSite, type StaticSite } from './static-site.ts';

test.describe.configure({ timeout: 120_000 });

const TABS = 3;
const DASHBOARDS_PER_TAB = 4;
// One dashboard: whoami, 3 item pages, one POST.
const REQUESTS_PER_DASHBOARD = 5;

interface DashboardResult {
  requests: number;
  failed: number;
}

/** The deploy: the example's files, and the two built files beside them. */
function deployedSite(): { directory: string; cleanUp(): void } {
  const directory = mkdtempSync(join(tmpdir(), 'token-broker-plain-html-'));
  cpSync('examples/plain-html', directory, { recursive: true, filter: (path) => !path.endsWith('README.md') });
  for (const built of ['token-broker-sw.js', 'token-broker-register.js']) cpSync(join('dist', built), join(directory, built));
  return { directory, cleanUp: () => rmSync(directory, { recursive: true, force: true }) };
}

test('plain HTML behind a static server: 3 tabs load their dashboards after expiry, one refresh, every request succeeds', async ({ profile, backend }) => {
  const { directory, cleanUp } = deployedSite();
  let site: StaticSite | undefined;
  try {
    site = await startStaticSite(directory, backend.url);
    await backend.control({ rotation: true, reuseDetection: true });
    const tabs: Tab[] = [];
    for (let i = 0; i < TABS; i += 1) {
      const tab = await profile.openTab(site.url);
      await tab.waitForFunction(() => !!navigator.serviceWorker.controller && 'ordersApp' in window);
      tabs.push(tab);
    }
    await tabs[0]!.evaluate(() => (window as unknown as { ordersApp: { login(name: string): Promise<unknown> } }).ordersApp.login('plain-html'));
    await backend.expireAccessTokens();
    await backend.resetCounters();

    const results = (await Promise.all(tabs.map((tab) => tab.evaluate((n) => Promise.all(Array.from({ length: n }, () =>
      (window as unknown as { ordersApp: { loadDashboard(): Promise<DashboardResult> } }).ordersApp.loadDashboard())), DASHBOARDS_PER_TAB)))).flat();
    const stats = await backend.stats();
    const requests = results.reduce((sum, result) => sum + result.requests, 0);
    const failed = results.reduce((sum, result) => sum + result.failed, 0);
    console.log(`examples/plain-html, ${profile.engine}: ${TABS} tabs x ${DASHBOARDS_PER_TAB * REQUESTS_PER_DASHBOARD} requests after expiry -> ` +
      `${stats.refreshRequests} refresh, ${stats.reuseDetected} reuse, ${requests - failed}/${requests} succeeded, ${stats.api401} 401s on the wire`);
    expect(requests).toBe(TABS * DASHBOARDS_PER_TAB * REQUESTS_PER_DASHBOARD);
    expect(failed).toBe(0);
    expect(stats.api401Expired).toBeGreaterThan(0);
    expect(stats.refreshRequests).toBe(1);
    expect(stats.reuseDetected).toBe(0);
    expect(stats.apiSucceeded).toBe(requests);
  } finally {
    await site?.close();
    cleanUp();
  }
});
