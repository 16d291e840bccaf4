import { adopterPage, expect, logIn, openControlledTab, test } from './fixtures.ts';

// A literal header in the config: the broker stamps it on every request it takes, and nothing
// else sets it. So the server can tell a brokered request from one the broker left alone, in
// every engine, whatever the worker's cookie store can see.
const MARKER = { name: 'X-Token-Broker', value: 'stamped' };

test.use({
  backendFiles: {
    'marked.json': JSON.stringify({
      preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' }, headers: { [MARKER.name]: MARKER.value },
    }),
    'marked.html': adopterPage('/marked.json'),
  },
});

test('requests outside api are not brokered: the server gets the page\'s own headers, without the broker\'s marker or CSRF value, and the page\'s own refresh call reaches the server once, with its own refresh CSRF value', async ({ profile, backend }) => {
  const tab = await openControlledTab(profile, backend, 'marked.html');
  await logIn(tab);
  await backend.resetCounters();
  const csrfAccess = (await profile.cookies()).find((c) => c.name === 'csrf_access_token')!.value;

  // The control: a request under api, with the page's own (wrong) CSRF value, reaches the server
  // with the broker's marks: its marker, and the cookie's value in place of the page's.
  const brokered = await tab.evaluate(async (marker: string) => {
    const response = await fetch(`/api/echo?headers=${marker},x-csrf-token`, { method: 'POST', body: 'x', headers: { 'X-CSRF-TOKEN': 'page-own-value' } });
    return { status: response.status, headers: ((await response.json()) as { headers: Record<string, string | null> }).headers };
  }, MARKER.name);
  expect(brokered).toEqual({ status: 200, headers: { [MARKER.name.toLowerCase()]: MARKER.value, 'x-csrf-token': csrfAccess } });

  // The same request outside api reaches the server as the page made it: no marker, the page's
  // own header value untouched, and no credential header where the page sent none.
  const outside = await tab.evaluate(async () => {
    const echo = async (headers: Record<string, string>) => {
      const response = await fetch('/public/echo-headers', { method: 'POST', body: 'hello', headers });
      return (await response.json()) as { method: string; headers: Record<string, string> };
    };
    return [await echo({ 'X-CSRF-TOKEN': 'page-own-value' }), await echo({})];
  });
  expect(outside.map((echo) => echo.method)).toEqual(['POST', 'POST']);
  expect(outside.map((echo) => echo.headers[MARKER.name.toLowerCase()])).toEqual([undefined, undefined]);
  expect(outside.map((echo) => echo.headers['x-csrf-token'])).toEqual(['page-own-value', undefined]);
  expect((await backend.stats()).publicRequests).toBe(2);

  // The page's own call to the refresh endpoint goes through the one refresh (page-refresh-call.ts)
  // and reaches the server once, with the refresh CSRF value (never the access one stamped on API
  // requests, which flask would refuse): no loop, no second refresh.
  const ownRefresh = await tab.evaluate(async () => {
    const csrf = document.cookie.split('; ').find((c) => c.startsWith('csrf_refresh_token='))!.split('=')[1]!;
    return (await fetch('/token/refresh', { method: 'POST', headers: { 'X-CSRF-TOKEN': csrf } })).status;
  });
  expect(ownRefresh).toBe(200);
  const stats = await backend.stats();
  expect(stats.refreshRequests).toBe(1);
  expect(stats.refreshSucceeded).toBe(1);

  // A brokered request gets the header from the cookie even when the page forgot it.
  const stamped = await tab.evaluate(async () => (await fetch('/api/echo', { method: 'POST', body: 'x' })).status);
  expect(stamped).toBe(200);
  expect((await backend.stats()).csrfFailures).toBe(0);
});
