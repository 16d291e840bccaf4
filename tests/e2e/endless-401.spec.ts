// A 401 whose chunked body starts and never ends: the broker must not hang the request while it
// looks inside the 401 (the flask preset reads its JSON "msg") or keeps a copy of it for the
// replay (a status-only config). The page gets its 401, its body still streaming as it would
// without the broker.

import { adopterPage, expect, logIn, openControlledTab, requires, test } from './fixtures.ts';

// Far above what the broker needs (its body reads give up after 2 s). Firefox makes a second
// request to a URL wait while an earlier answer of that URL is still streaming, with or without
// a service worker (measured in Firefox ESR 153 without one: 20.4 s; with cache: 'no-store', at
// once), and the replay is such a second request: the bound leaves room for that.
const HANG_BOUND_MS = 40_000;

// Firefox's same-URL wait (see HANG_BOUND_MS) plus a Firefox start on a busy machine: over a minute.
test.describe.configure({ timeout: 150_000 });

test.use({
  backendFiles: {
    'endless-preset.json': JSON.stringify({ preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' } }),
    'endless-preset.html': adopterPage('/endless-preset.json'),
    'endless-status.json': JSON.stringify({
      api: ['/api/'], refresh: { url: '/token/refresh', headers: { 'X-CSRF-TOKEN': { cookie: 'csrf_refresh_token' } } },
      headers: { 'X-CSRF-TOKEN': { cookie: 'csrf_access_token' } },
    }),
    'endless-status.html': adopterPage('/endless-status.json'),
  },
});

interface EndlessAnswer {
  /** 'hung': no answer within the bound. */
  status: number | 'hung';
  /** The first chunk of the body as the page read it. */
  start: string;
}

/** Fetches /api/endless-401, reads the first chunk of its body, then lets go; in the page. */
async function fetchEndlessInPage(boundMs: number): Promise<EndlessAnswer> {
  const controller = new AbortController();
  const hung = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), boundMs));
  const answer = fetch('/api/endless-401', { signal: controller.signal }).then(async (response) => {
    const first = await response.body!.getReader().read();
    return { status: response.status, start: new TextDecoder().decode(first.value) };
  });
  const result = await Promise.race([answer, hung]);
  controller.abort();
  return result === 'hung' ? { status: 'hung', start: '' } : result;
}

test('a 401 whose body never ends reaches the page, body streaming, while the preset looks for its expiry field', async ({ profile, backend }) => {
  requires(profile, 'unfinishedUnauthorizedBody');
  const tab = await openControlledTab(profile, backend, 'endless-preset.html');
  await logIn(tab);
  await backend.resetCounters();

  const answer = await tab.evaluate(fetchEndlessInPage, HANG_BOUND_MS);

  expect(answer).toEqual({ status: 401, start: '{"msg": "Token has' });
  const stats = await backend.stats();
  expect(stats.apiRequests).toBe(1); // not taken for an expiry: no refresh, no replay
  expect(stats.refreshRequests).toBe(0);
});

test('a 401 whose body never ends is refreshed for and replayed when the status alone means expiry, and nothing hangs', async ({ profile, backend }) => {
  requires(profile, 'unfinishedUnauthorizedBody');
  const tab = await openControlledTab(profile, backend, 'endless-status.html');
  await logIn(tab);
  await backend.resetCounters();

  const answer = await tab.evaluate(fetchEndlessInPage, HANG_BOUND_MS);

  // The replay meets the same endless 401, which goes to the page as it came.
  expect(answer).toEqual({ status: 401, start: '{"msg": "Token has' });
  const stats = await backend.stats();
  expect(stats.apiRequests).toBe(2);
  expect(stats.refreshRequests).toBe(1);
  expect(stats.refreshSucceeded).toBe(1);
});
