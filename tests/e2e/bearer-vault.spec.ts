// What the vault stops (SECURITY.md, "Bearer mode against RFC 10017"): a script in the page cannot
// read a real token, because none ever reaches the page, and a real token never leaves for an
// origin it was not configured for, whatever the page puts on its requests.
import { expect, test } from './fixtures.ts';
import type { Tab } from './fixtures.ts';
import {
  BEARER_PAGE, BEARER_TTL_SECONDS, issuedTokens, logInThroughProvider, openBearerTab, setBearerAccessTtl, startApiCalls, stopApiCalls, untilInTab, untilRefreshGrants,
} from './bearer-tabs.ts';
import { startRecordingOrigin } from './recording-origin.ts';

test.use({ backendOptions: { recordIssuedTokens: true } });

/** Records the text of every answer the page's fetch hands to the page, from the next load on. */
async function recordPageVisibleAnswers(tab: Tab, url: string): Promise<void> {
  await tab.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { pageVisibleAnswers: string[] }).pageVisibleAnswers = seen;
    const originalFetch = window.fetch;
    window.fetch = async function recordingFetch(this: unknown, ...args: Parameters<typeof fetch>) {
      const response = await originalFetch.apply(this, args);
      response.clone().text().then((text) => seen.push(text), () => undefined);
      return response;
    };
  });
  await tab.goto(url);
}

/** Everything a script of the page could read: the answers it received, and both web storages. */
function pageReadable(tab: Tab): Promise<{ answers: string[]; storage: string }> {
  return tab.evaluate(() => ({
    answers: [...(window as unknown as { pageVisibleAnswers?: string[] }).pageVisibleAnswers ?? []],
    storage: JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } }),
  }));
}

test('no real access or refresh token reaches the page: not in an answer it reads, not in its storage, not in a console line', async ({ profile, backend }) => {
  test.setTimeout(120_000);
  await setBearerAccessTtl(backend, BEARER_TTL_SECONDS);
  const pageUrl = new URL(BEARER_PAGE, backend.url).href;
  const first = await openBearerTab(profile, backend, true);
  await recordPageVisibleAnswers(first, pageUrl);
  await logInThroughProvider(first, backend);
  const second = await openBearerTab(profile, backend, true);
  await recordPageVisibleAnswers(second, pageUrl);
  await untilInTab(first, () => (window as unknown as { bearerDemo?: { ready: boolean } }).bearerDemo?.ready === true);
  for (const tab of [first, second]) await startApiCalls(tab, 400);
  // Two expiries: the login's answer and silent renews' answers all went through the page's fetch.
  await untilRefreshGrants(backend, 2);
  for (const tab of [first, second]) await stopApiCalls(tab);

  const real = await issuedTokens(backend);
  expect(real.length).toBeGreaterThanOrEqual(6); // a login and two refreshes: an access and a refresh token each
  const readable = await Promise.all([first, second].map(pageReadable));
  // The recording works: the page did receive token answers (with placeholders in them).
  expect(readable.flatMap((r) => r.answers).some((text) => text.includes('"refresh_token"'))).toBe(true);
  expect(readable.some((r) => r.storage.includes('access_token'))).toBe(true);
  for (const value of real) {
    for (const { answers, storage } of readable) {
      for (const answer of answers) expect(answer).not.toContain(value);
      expect(storage).not.toContain(value);
    }
    for (const line of profile.consoleLines) expect(line).not.toContain(value);
  }
});

test('a real token never reaches another origin, not even on a request where the page puts its own token', async ({ profile, backend }) => {
  const other = await startRecordingOrigin(new URL(backend.url).origin);
  try {
    const tab = await openBearerTab(profile, backend, true);
    await logInThroughProvider(tab, backend);
    const pageToken = await tab.evaluate(async (otherUrl) => {
      const demo = (window as unknown as { bearerDemo: { tokens(): Promise<{ access?: string }> } }).bearerDemo;
      const { access } = await demo.tokens();
      // The same path as the configured API, on another origin: with the page's token, and without one.
      await fetch(new URL('bearer-api/data', otherUrl), { headers: { Authorization: `Bearer ${access}` } }).catch(() => undefined);
      await fetch(new URL('bearer-api/data', otherUrl)).catch(() => undefined);
      await fetch(new URL('oidc/token', otherUrl), {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=refresh_token&refresh_token=x',
      }).catch(() => undefined);
      return access;
    }, other.url);
    expect(other.received.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /bearer-api/data', 'GET /bearer-api/data', 'POST /oidc/token']);
    // The page's own header went as the page wrote it; the broker added or swapped nothing.
    expect(other.received[0]?.headers.authorization).toBe(`Bearer ${pageToken}`);
    expect(other.received[1]?.headers.authorization).toBeUndefined();
    const real = await issuedTokens(backend);
    expect(real.length).toBeGreaterThanOrEqual(2);
    for (const request of other.received) {
      for (const value of real) expect(JSON.stringify(request.headers)).not.toContain(value);
    }
  } finally {
    await other.close();
  }
});
