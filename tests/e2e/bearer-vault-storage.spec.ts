// Who can read what the vault persists (SECURITY.md, "Bearer mode against RFC 10017", storage):
// the vault's record is in the origin's IndexedDB so that a stopped worker keeps the session, and
// IndexedDB is shared between the worker and the pages (RFC 10017 section 8.2). So a script of the
// page that knows where to look reads the real tokens there: this test pins that limit, so that
// the documentation cannot claim more than the code does. It flips when the vault keeps its
// secret in worker memory only.
import { expect, test } from './fixtures.ts';
import { issuedTokens, logInThroughProvider, openBearerTab } from './bearer-tabs.ts';

test.use({ backendOptions: { recordIssuedTokens: true } });

test('a script of the page that opens every IndexedDB database of the origin reads the vault\'s persisted tokens', async ({ profile, backend }) => {
  const tab = await openBearerTab(profile, backend, true);
  await logInThroughProvider(tab, backend);
  // What an injected script can do: list the origin's databases and read every record of every store.
  const dump = await tab.evaluate(async () => {
    const records: unknown[] = [];
    for (const { name } of await indexedDB.databases()) {
      if (!name) continue;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(name);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      for (const store of Array.from(db.objectStoreNames)) {
        const values = await new Promise<unknown[]>((resolve, reject) => {
          const request = db.transaction(store, 'readonly').objectStore(store).getAll();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
        records.push(...values);
      }
      db.close();
    }
    return JSON.stringify(records);
  });
  const real = await issuedTokens(backend);
  expect(real.length).toBeGreaterThanOrEqual(2);
  // The newest refresh token is in the record: an injected script can take it away.
  expect(real.some((value) => dump.includes(value))).toBe(true);
});
