// IndexedDB that hangs or fails (storage pressure, a browser bug, private modes) must cost the
// broker its memory across restarts, never the session and never a hung page. Both faults are
// made for real in the browser: a blocked version upgrade queues every later open of the
// broker's database behind it (a hang), and a database of that name without the broker's object
// store makes every transaction throw (a failure). Where the engine can stop a worker, it is then
// stopped as the browser would stop it, so that it wakes and must read its config and generation.
import { count, expect, logIn, openControlledTab, openTab, requires, test } from './fixtures.ts';

const BROKER_DATABASE = 'token-broker';
/** Generous bound on "nothing hangs": the page gives up on a request after this long. */
const PAGE_WAIT_MS = 20_000;

/** Opens the database (with the broker's store if it creates it), keeps that connection, and asks
 * for an upgrade it blocks: every later open of the database waits behind that upgrade. */
function blockBrokerDatabase(name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const first = indexedDB.open(name);
    first.onupgradeneeded = () => first.result.createObjectStore('state');
    first.onerror = () => reject(first.error);
    first.onsuccess = () => {
      const held = first.result;
      (window as unknown as { heldDatabase: IDBDatabase }).heldDatabase = held;
      const upgrade = indexedDB.open(name, held.version + 1);
      upgrade.onblocked = () => resolve('blocked');
      upgrade.onsuccess = () => resolve('not blocked');
      upgrade.onerror = () => resolve('upgrade failed');
    };
  });
}

/** Replaces the database by one of the same name without the broker's object store. */
function breakBrokerDatabase(name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const deletion = indexedDB.deleteDatabase(name);
    deletion.onblocked = () => resolve('delete blocked');
    deletion.onerror = () => reject(deletion.error);
    deletion.onsuccess = () => {
      const open = indexedDB.open(name, 1);
      open.onupgradeneeded = () => open.result.createObjectStore('not-the-brokers');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        open.result.close();
        resolve('broken');
      };
    };
  });
}

/** A burst of API calls and a module script (a request no config brokers), each bounded in the page. */
function burstAndScriptInPage(waitMs: number): Promise<{ statuses: (number | 'hung')[]; script: string }> {
  const bounded = <T>(work: Promise<T>): Promise<T | 'hung'> =>
    Promise.race([work, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), waitMs))]);
  const csrf = () => document.cookie.split('; ').find((c) => c.startsWith('csrf_access_token='))?.split('=')[1] ?? '';
  const call = (i: number) => fetch(i % 2 === 0 ? `/api/items?n=${i}` : '/api/echo', i % 2 === 0 ? {} : {
    method: 'POST', headers: { 'content-type': 'application/json', 'X-CSRF-TOKEN': csrf() }, body: JSON.stringify({ i }),
  }).then((response) => response.status, () => 0);
  const script = new Promise<string>((resolve) => {
    const element = document.createElement('script');
    element.type = 'module';
    element.src = `/probe-module.js?${Math.random()}`;
    element.onload = () => resolve('loaded');
    element.onerror = () => resolve('error');
    document.head.append(element);
  });
  return Promise.all([Promise.all(Array.from({ length: 6 }, (_, i) => bounded(call(i)))), bounded(script)])
    .then(([statuses, loaded]) => ({ statuses, script: loaded }));
}

function successes(statuses: readonly (number | 'hung')[]): number {
  return count(statuses.map((status) => (status === 'hung' ? -1 : status)), 200);
}

test.use({ backendFiles: { 'probe-module.js': 'globalThis.probeModuleLoaded = true;\n', 'plain.html': '<!doctype html><p>no broker here</p>' } });

test('an IndexedDB that hangs at wake: the worker brokers from the network config and memory, one refresh, nothing held for ever', async ({ profile, backend }) => {
  requires(profile, 'stopServiceWorkers');
  const tab = await openControlledTab(profile, backend);
  await logIn(tab);
  expect(await tab.evaluate(blockBrokerDatabase, BROKER_DATABASE)).toBe('blocked');
  await profile.devtools!.stopServiceWorkers(tab);
  await backend.expireAccessTokens();
  await backend.resetCounters();

  const startedAtMs = Date.now();
  const { statuses, script } = await tab.evaluate(burstAndScriptInPage, PAGE_WAIT_MS);
  const stats = await backend.stats();
  console.log(`IndexedDB blocked at wake: burst ${JSON.stringify(statuses)}, module script ${script}, ` +
    `${stats.refreshRequests} refresh, ${stats.api401} 401s at the server, ended after ${Date.now() - startedAtMs} ms`);
  expect(script).toBe('loaded');
  expect(successes(statuses)).toBe(6);
  expect(stats.refreshRequests).toBe(1);
  expect(stats.apiSucceeded).toBe(6);
});

test('an IndexedDB whose transactions fail at wake: the broker still starts and refreshes once', async ({ profile, backend }) => {
  requires(profile, 'stopServiceWorkers');
  const tab = await openControlledTab(profile, backend);
  await logIn(tab);
  await profile.devtools!.stopServiceWorkers(tab);
  expect(await tab.evaluate(breakBrokerDatabase, BROKER_DATABASE)).toBe('broken');
  await backend.expireAccessTokens();
  await backend.resetCounters();

  const { statuses, script } = await tab.evaluate(burstAndScriptInPage, PAGE_WAIT_MS);
  const stats = await backend.stats();
  console.log(`IndexedDB failing at wake: burst ${JSON.stringify(statuses)}, module script ${script}, ` +
    `${stats.refreshRequests} refresh, ${stats.api401} 401s at the server`);
  expect(script).toBe('loaded');
  expect(successes(statuses)).toBe(6);
  expect(stats.refreshRequests).toBe(1);
  expect(stats.apiSucceeded).toBe(6);
});

// Needs no DevTools: the database is blocked before the worker ever runs, by a tab of the same
// profile that the broker does not control yet.
test('an IndexedDB that hangs from before the first install: the worker installs and brokers from memory, one refresh', async ({ profile, backend }) => {
  const holder = await openTab(profile, backend, 'plain.html');
  expect(await holder.evaluate(blockBrokerDatabase, BROKER_DATABASE)).toBe('blocked');
  const tab = await openControlledTab(profile, backend);
  await logIn(tab);
  await backend.expireAccessTokens();
  await backend.resetCounters();

  const { statuses, script } = await tab.evaluate(burstAndScriptInPage, PAGE_WAIT_MS);
  const stats = await backend.stats();
  console.log(`IndexedDB blocked from the first install: burst ${JSON.stringify(statuses)}, module script ${script}, ` +
    `${stats.refreshRequests} refresh, ${stats.api401} 401s at the server`);
  expect(script).toBe('loaded');
  expect(successes(statuses)).toBe(6);
  expect(stats.refreshRequests).toBe(1);
  expect(stats.apiSucceeded).toBe(6);
});
