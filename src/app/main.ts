// The demo page's wiring. Nothing here knows about the broker: the page only counts what reaches
// it, while the server's own counters (polled from /__demo/stats) show what happened on the wire.
import { openDemoChannel, isBrokerOn, setBrokerOn } from './broker-switch.ts';
import { type BurstTally, burstCalls, runBurst } from './burst.ts';
import { readCookie } from './naive-api.ts';
import { byId, log, showNumber } from './panel.ts';

const STATS_POLL_MS = 1000;
const SERVER_COUNTERS = ['refreshRequests', 'refreshSucceeded', 'reuseDetected', 'sessionsRevoked', 'apiRequests', 'api401'];
const tabId = Math.random().toString(36).slice(2, 8);
const tab = { sent: 0, succeeded: 0, unauthorized: 0, failed: 0 };

function showTabCounts(): void {
  showNumber('tab-sent', tab.sent);
  showNumber('tab-succeeded', tab.succeeded);
  showNumber('tab-401', tab.unauthorized);
  showNumber('tab-failed', tab.failed);
}

async function burst(): Promise<BurstTally> {
  const calls = burstCalls(undefined, tabId);
  tab.sent += calls.length;
  showTabCounts();
  const tally = await runBurst(calls, (result) => {
    if (result.status >= 200 && result.status < 300) tab.succeeded += 1;
    else if (result.status === 401) tab.unauthorized += 1;
    else tab.failed += 1;
    showTabCounts();
  });
  const tone = tally.succeeded === tally.sent ? 'good' : 'warn';
  log(`Burst: ${tally.sent} sent, ${tally.succeeded} succeeded, ${tally.unauthorized} × 401, ${tally.failed} other failures`, tone);
  return tally;
}

async function post(path: string, body?: unknown): Promise<Response> {
  return fetch(path, {
    method: 'POST',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

function showSession(): void {
  byId('session-state').textContent = readCookie('csrf_access_token') ? 'logged in' : 'logged out';
}

function showWorker(): void {
  const state = byId('sw-state');
  if (!('serviceWorker' in navigator)) state.textContent = 'not available in this browser';
  else if (navigator.serviceWorker.controller) state.textContent = `controls this page (${new URL(navigator.serviceWorker.controller.scriptURL).pathname})`;
  else state.textContent = isBrokerOn() ? 'not controlling this page yet (reload once)' : 'none: broker switched off';
}

async function pollStats(): Promise<void> {
  try {
    const response = await fetch('/__demo/stats', { cache: 'no-store' });
    const stats = (await response.json()) as Record<string, unknown>;
    for (const name of SERVER_COUNTERS) {
      const value = stats[name];
      showNumber(`srv-${name}`, typeof value === 'number' ? value : undefined);
    }
    const options = stats.options as { accessTtlSeconds?: unknown } | undefined;
    if (typeof options?.accessTtlSeconds === 'number') byId('access-ttl').textContent = String(options.accessTtlSeconds);
  } catch {
    for (const name of SERVER_COUNTERS) showNumber(`srv-${name}`, undefined);
  }
  showSession();
}

// The broker's announcements: `refreshed`, `session-expired`, `refresh-failed`.
function listenToBroker(): void {
  const channel = new BroadcastChannel('token-broker');
  channel.addEventListener('message', (event: MessageEvent<unknown>) => {
    const data = event.data;
    if (typeof data !== 'object' || data === null || !('type' in data)) return;
    const message = data as { type: unknown; generation?: unknown; reason?: unknown };
    if (message.type === 'refreshed') log(`Broker: refreshed (credential generation ${String(message.generation)})`, 'good');
    else if (message.type === 'session-expired') log('Broker: session expired, log in again', 'warn');
    else if (message.type === 'refresh-failed') log(`Broker: refresh failed (${String(message.reason)})`, 'warn');
    else log(`Broker: ${JSON.stringify(data)}`);
  });
}

function wire(): void {
  const demoChannel = openDemoChannel();
  const burstButton = byId<HTMLButtonElement>('burst');
  const brokerSwitch = byId<HTMLInputElement>('broker-switch');
  brokerSwitch.checked = isBrokerOn();

  byId('login').addEventListener('click', async () => {
    const response = await post('/login', { username: 'demo' });
    log(response.ok ? 'Logged in as demo' : `Login failed (${response.status})`, response.ok ? 'good' : 'warn');
    showSession();
  });
  byId('logout').addEventListener('click', async () => {
    await post('/logout');
    log('Logged out');
    showSession();
  });
  burstButton.addEventListener('click', async () => {
    burstButton.disabled = true;
    try {
      await burst();
    } finally {
      burstButton.disabled = false;
    }
  });
  byId('expire').addEventListener('click', async () => {
    const response = await post('/__demo/expire');
    const { accessEpoch } = (await response.json()) as { accessEpoch: number };
    log(`Server: every access token issued so far is now expired (epoch ${accessEpoch})`);
  });
  byId('open-tab').addEventListener('click', () => window.open(location.href, '_blank'));
  byId('reset-stats').addEventListener('click', async () => {
    await post('/__demo/reset');
    log('Server counters reset');
    void pollStats();
  });
  brokerSwitch.addEventListener('change', () => {
    void setBrokerOn(brokerSwitch.checked, demoChannel);
  });

  navigator.serviceWorker?.addEventListener('controllerchange', showWorker);
  listenToBroker();
  showTabCounts();
  showWorker();
  void pollStats();
  setInterval(() => void pollStats(), STATS_POLL_MS);
  log(`Tab ${tabId} ready, broker ${isBrokerOn() ? 'on' : 'off'}`);
}

// A handle for scripted runs (e.g. Playwright): the same burst as the button, and this tab's counts.
declare global {
  interface Window {
    tokenBrokerDemo?: { burst(): Promise<BurstTally>; tabCounts(): typeof tab };
  }
}
window.tokenBrokerDemo = { burst, tabCounts: () => ({ ...tab }) };

wire();
