import { postEchoInPage } from '../shared/naive-page.ts';
import { adopterPage, expect, logIn, openControlledTab, requires, test } from './fixtures.ts';

const MAX_REPLAY_BODY_BYTES = 1_024;

test.use({
  backendFiles: {
    'small-bound.json': JSON.stringify({
      preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' }, maxReplayBodyBytes: MAX_REPLAY_BODY_BYTES,
    }),
    'small-bound.html': adopterPage('/small-bound.json'),
  },
});

test('a body over the replay bound is sent once and its 401 goes back to the page as it came', async ({ profile, backend }) => {
  const tab = await openControlledTab(profile, backend, 'small-bound.html');
  await logIn(tab);
  await backend.expireAccessTokens();
  await backend.resetCounters();

  const answer = await tab.evaluate(postEchoInPage, 'x'.repeat(MAX_REPLAY_BODY_BYTES + 1));

  expect(answer).toEqual({ status: 401, body: { msg: 'Token has expired' } });
  const stats = await backend.stats();
  expect(stats.apiRequests).toBe(1);
  expect(stats.refreshRequests).toBe(0);

  // A body within the bound, right after, is replayed as usual.
  const small = (await tab.evaluate(postEchoInPage, 'small')).status;
  expect(small).toBe(200);
  expect((await backend.stats()).refreshRequests).toBe(1);
});

// Chromium hands a service worker a page's ReadableStream body as a whole body (measured here with
// Chromium 156 over HTTP/1.1), so the worker cannot tell it was a stream: within the bound it is
// kept and replayed like any other body. This test pins that behavior down.
test('a ReadableStream body reaches the broker whole and is replayed byte for byte', async ({ profile, backend }) => {
  requires(profile, 'streamRequestBody');
  const tab = await openControlledTab(profile, backend, 'small-bound.html');
  await logIn(tab);
  await backend.expireAccessTokens();
  await backend.resetCounters();

  const answer = await tab.evaluate(async () => {
    const csrf = document.cookie.split('; ').find((c) => c.startsWith('csrf_access_token='))!.split('=')[1]!;
    const encoder = new TextEncoder();
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(encoder.encode('chunk one, '));
        controller.enqueue(encoder.encode('chunk two'));
        controller.close();
      },
    });
    const init = { method: 'POST', body, headers: { 'X-CSRF-TOKEN': csrf }, duplex: 'half' };
    const response = await fetch('/api/echo', init as RequestInit);
    return { status: response.status, echo: await response.json() as { length: number; sha256: string } };
  });

  expect(answer.status).toBe(200);
  expect(answer.echo.length).toBe('chunk one, chunk two'.length);
  const stats = await backend.stats();
  expect(stats.api401).toBe(1);
  expect(stats.refreshRequests).toBe(1);
});
