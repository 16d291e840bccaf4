import { expect, logIn, openControlledTab, test } from './fixtures.ts';

test('requests outside api are untouched: no credential header added, and the page\'s own refresh call is not brokered', async ({ profile, backend }) => {
  const tab = await openControlledTab(profile, backend);
  await logIn(tab);
  await backend.resetCounters();

  const echoed = await tab.evaluate(async () => {
    const response = await fetch('/public/echo-headers', { method: 'POST', body: 'hello' });
    return (await response.json()) as { method: string; headers: Record<string, string> };
  });
  expect(echoed.method).toBe('POST');
  expect(echoed.headers['x-csrf-token']).toBeUndefined();

  // The page's own call to the refresh endpoint is never brokered (no loop, no second refresh).
  const ownRefresh = await tab.evaluate(async () => {
    const csrf = document.cookie.split('; ').find((c) => c.startsWith('csrf_refresh_token='))!.split('=')[1]!;
    return (await fetch('/token/refresh', { method: 'POST', headers: { 'X-CSRF-TOKEN': csrf } })).status;
  });
  expect(ownRefresh).toBe(200);
  expect((await backend.stats()).refreshRequests).toBe(1);

  // A brokered request gets the header from the cookie even when the page forgot it.
  const stamped = await tab.evaluate(async () => (await fetch('/api/echo', { method: 'POST', body: 'x' })).status);
  expect(stamped).toBe(200);
});
