// An open redirect under the api prefix, to another origin: nothing the broker stamped may reach
// that origin. Fetch drops only Authorization on a cross-origin redirect, so a broker that let its
// requests follow redirects would hand the CSRF value (a cookie's) to whoever the redirect names.

import { expect, logIn, openControlledTab, test, type Tab } from './fixtures.ts';
import { startRecordingOrigin, type RecordingOrigin } from './recording-origin.ts';

// Firefox took 47-50 s a test here on a busy machine (mostly its start): room above the default minute.
test.describe.configure({ timeout: 120_000 });

interface PageAnswer {
  /** 0: the fetch failed (a network error). */
  status: number;
  redirected: boolean;
}

/** Asks /api/redirect to send the request on to `to`; in the page. */
async function requestRedirectedInPage(arg: { to: string; status: number; method: string; ownCsrf?: string }): Promise<PageAnswer> {
  const url = `/api/redirect?status=${arg.status}&to=${encodeURIComponent(arg.to)}`;
  const headers: Record<string, string> = arg.ownCsrf === undefined ? {} : { 'X-CSRF-TOKEN': arg.ownCsrf };
  try {
    const response = await fetch(url, { method: arg.method, headers, ...(arg.method === 'GET' ? {} : { body: 'an order' }) });
    return { status: response.status, redirected: response.redirected };
  } catch {
    return { status: 0, redirected: false };
  }
}

async function withRecordingOrigin(pageOrigin: string, run: (other: RecordingOrigin) => Promise<void>): Promise<void> {
  const other = await startRecordingOrigin(pageOrigin);
  try {
    await run(other);
  } finally {
    await other.close();
  }
}

async function csrfValues(tab: Tab): Promise<string[]> {
  return tab.evaluate(() => document.cookie.split('; ').filter((c) => c.startsWith('csrf_')).map((c) => c.slice(c.indexOf('=') + 1)));
}

test('a GET redirected to another origin is followed without the stamped headers, as the page made it', async ({ profile, backend }) => {
  await withRecordingOrigin(new URL(backend.url).origin, async (other) => {
    const tab = await openControlledTab(profile, backend);
    await logIn(tab);
    const secrets = await csrfValues(tab);
    expect(secrets).toHaveLength(2);
    await backend.resetCounters();

    const plain = await tab.evaluate(requestRedirectedInPage, { to: `${other.url}collect`, status: 302, method: 'GET' });
    const withOwn = await tab.evaluate(requestRedirectedInPage, { to: `${other.url}collect`, status: 302, method: 'GET', ownCsrf: 'page-own-value' });

    // What the page would see without the broker: the other origin's answer, through the redirect.
    expect(plain).toEqual({ status: 401, redirected: true });
    expect(withOwn).toEqual({ status: 401, redirected: true });
    expect(other.received.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /collect', 'GET /collect']);
    expect(other.received[0]!.headers['x-csrf-token']).toBeUndefined();
    expect(other.received[1]!.headers['x-csrf-token']).toBe('page-own-value'); // the page's own, untouched
    for (const request of other.received) {
      for (const secret of secrets) expect(JSON.stringify(request.headers)).not.toContain(secret);
    }
    const stats = await backend.stats();
    expect(stats.apiRequests).toBe(4); // each redirecting GET twice: stamped (answered 302), then as the page made it
    expect(stats.refreshRequests).toBe(0); // another origin's 401 through a redirect is not the broker's to refresh for
  });
});

test('a POST redirected to another origin ends in a network error, sent once, and the other origin gets nothing', async ({ profile, backend }) => {
  await withRecordingOrigin(new URL(backend.url).origin, async (other) => {
    const tab = await openControlledTab(profile, backend);
    await logIn(tab);
    await backend.resetCounters();

    const answers = [
      await tab.evaluate(requestRedirectedInPage, { to: `${other.url}collect`, status: 307, method: 'POST' }),
      await tab.evaluate(requestRedirectedInPage, { to: `${other.url}collect`, status: 303, method: 'PUT' }),
    ];

    expect(answers).toEqual([{ status: 0, redirected: false }, { status: 0, redirected: false }]);
    expect(other.received).toEqual([]);
    const stats = await backend.stats();
    expect(stats.apiRequests).toBe(2); // never sent again: a redirect after the work (303) must not repeat it
    expect(stats.refreshRequests).toBe(0);
  });
});
