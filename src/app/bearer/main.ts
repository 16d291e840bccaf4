// The bearer demo page's wiring: the app (oidc-app.ts), the live panel, and a small handle for
// the browser tests (window.bearerDemo), which drive five of these tabs.
import type { UserManager } from 'oidc-client-ts';
import { brokerNames, namespaceOfScope } from '../../sw/broker-names.ts';
import { isBrokerOn, openDemoChannel, setBrokerOn } from '../broker-switch.ts';
import { byId, log, showNumber } from '../panel.ts';
import { type ApiTally, callApiEvery, completeLoginRedirect, createUserManager, type RenewTally } from './oidc-app.ts';

/** The scope index.html registers the broker with (data-scope). */
const BEARER_SCOPE = '/bearer/';
const STATS_POLL_MS = 1000;
const API_INTERVAL_MS = 500;
const SERVER_COUNTERS = ['loginGrants', 'refreshGrants', 'refreshFailed', 'reuseDetected', 'grantsRevoked', 'apiOk', 'api401'];

const manager: UserManager = createUserManager();
const api: ApiTally = { sent: 0, succeeded: 0, unauthorized: 0, failed: 0 };
const renew: RenewTally = { renewed: 0, errors: 0 };
const brokerHeard: unknown[] = [];
let stopApi: (() => void) | undefined;

/** What the browser tests read and drive. */
export interface BearerDemoHandle {
  ready: boolean;
  api: ApiTally;
  renew: RenewTally;
  brokerHeard: unknown[];
  /** The access and refresh token the library holds, as the page sees them. */
  tokens(): Promise<{ access: string | undefined; refresh: string | undefined }>;
  startApi(intervalMs?: number): void;
  stopApi(): void;
}

function showTab(): void {
  showNumber('tab-sent', api.sent);
  showNumber('tab-succeeded', api.succeeded);
  showNumber('tab-401', api.unauthorized);
  showNumber('tab-failed', api.failed);
  showNumber('tab-renewed', renew.renewed);
  showNumber('tab-renew-errors', renew.errors);
}

async function showSession(): Promise<void> {
  const user = await manager.getUser();
  byId('session-state').textContent = user ? `logged in as ${user.profile.sub}` : 'logged out';
  // The first characters only: enough to tell a broker placeholder from a real token.
  byId('page-token').textContent = user ? `${user.access_token.slice(0, 14)}…` : '–';
  const worker = navigator.serviceWorker?.controller;
  byId('sw-state').textContent = worker ? 'the broker controls this page' : isBrokerOn() ? 'not controlling this page yet' : 'none: broker switched off';
}

async function pollStats(): Promise<void> {
  try {
    const stats = (await (await fetch('/__demo/bearer/stats', { cache: 'no-store' })).json()) as {
      oidc: Record<string, number>;
      options: { accessTtlSeconds: number };
    };
    for (const name of SERVER_COUNTERS) showNumber(`srv-${name}`, stats.oidc[name]);
    byId('access-ttl').textContent = String(stats.options.accessTtlSeconds);
  } catch {
    for (const name of SERVER_COUNTERS) showNumber(`srv-${name}`, undefined);
  }
  await showSession();
}

function startApi(intervalMs = API_INTERVAL_MS): void {
  stopApi?.();
  stopApi = callApiEvery(manager, api, intervalMs, showTab);
  byId('api-toggle').textContent = 'Stop calling the API';
}

function listen(): void {
  manager.events.addUserLoaded(() => {
    renew.renewed += 1;
    showTab();
  });
  manager.events.addSilentRenewError((error) => {
    renew.errors += 1;
    showTab();
    log(`oidc-client-ts: silent renew failed (${error.message})`, 'warn');
  });
  // The worker of the scope /bearer/ speaks on its scope's channel ("token-broker:bearer",
  // broker-names.ts), not on the "/" scope's "token-broker": on that one this page heard nothing.
  new BroadcastChannel(brokerNames(namespaceOfScope(BEARER_SCOPE)).channel).addEventListener('message', (event: MessageEvent<unknown>) => {
    brokerHeard.push(event.data);
    const type = (event.data as { type?: unknown } | null)?.type;
    log(`Broker: ${String(type)}`, type === 'session-expired' || type === 'refresh-failed' ? 'warn' : 'good');
  });
}

function wire(): void {
  const brokerSwitch = byId<HTMLInputElement>('broker-switch');
  brokerSwitch.checked = isBrokerOn();
  const demoChannel = openDemoChannel();
  brokerSwitch.addEventListener('change', () => void setBrokerOn(brokerSwitch.checked, demoChannel));
  byId('login').addEventListener('click', () => void manager.signinRedirect());
  byId('logout').addEventListener('click', async () => {
    await manager.revokeTokens().catch(() => undefined);
    await manager.removeUser();
    log('Logged out');
  });
  byId('api-toggle').addEventListener('click', () => {
    if (stopApi) {
      stopApi();
      stopApi = undefined;
      byId('api-toggle').textContent = 'Call the API';
    } else startApi();
  });
  byId('revoke').addEventListener('click', async () => {
    await fetch('/__demo/bearer/revoke', { method: 'POST' });
    log('Server: every grant revoked; the next refresh is invalid_grant', 'warn');
  });
  byId('open-tab').addEventListener('click', () => window.open('/bearer/', '_blank'));
  byId('reset-stats').addEventListener('click', async () => {
    await fetch('/__demo/bearer/reset', { method: 'POST' });
    void pollStats();
  });
}

async function main(): Promise<void> {
  listen();
  wire();
  const handle: BearerDemoHandle = {
    ready: false,
    api,
    renew,
    brokerHeard,
    async tokens() {
      const user = await manager.getUser();
      return { access: user?.access_token, refresh: user?.refresh_token };
    },
    startApi,
    stopApi: () => {
      stopApi?.();
      stopApi = undefined;
    },
  };
  (window as unknown as { bearerDemo: BearerDemoHandle }).bearerDemo = handle;
  try {
    if (await completeLoginRedirect(manager)) log('Logged in', 'good');
  } catch (error) {
    log(`Login failed (${error instanceof Error ? error.message : String(error)})`, 'warn');
  }
  // Tests call startApi themselves; a person gets the live traffic at once.
  if (!new URLSearchParams(location.search).has('manual')) startApi();
  setInterval(() => void pollStats(), STATS_POLL_MS);
  void pollStats();
  handle.ready = true;
}

void main();
