import { createHash } from 'node:crypto';
import { postEchoInPage } from '../shared/naive-page.ts';
import type { EngineName } from './engines/engine.ts';
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

// What a page's ReadableStream body becomes is the engine's business (measured here): Chromium 156
// hands the worker the stream's bytes as a whole body (over HTTP/1.1, so the worker cannot tell
// it was a stream); Firefox ESR 153 has no streaming request bodies and sends the string
// "[object ReadableStream]" (text/plain), with or without a worker. Either way the body is within
// the bound, so the worker keeps it and replays it: the server must receive exactly the bytes the
// engine itself makes of the body. The table pins each engine's own bytes down.
// WebKit rejects such a body in the page (engines/limits.ts: streamRequestBody).
const STREAM_BODY_AS_SENT: Readonly<Partial<Record<EngineName, string>>> = {
  chromium: 'chunk one, chunk two',
  firefox: '[object ReadableStream]',
};

test('a ReadableStream body is replayed byte for byte as the engine itself sends it', async ({ profile, backend }) => {
  requires(profile, 'streamRequestBody');
  const tab = await openControlledTab(profile, backend, 'small-bound.html');
  await logIn(tab);
  await backend.expireAccessTokens();
  await backend.resetCounters();

  const answer = await tab.evaluate(async () => {
    const csrf = document.cookie.split('; ').find((c) => c.startsWith('csrf_access_token='))!.split('=')[1]!;
    const encoder = new TextEncoder();
    const stream = () => new ReadableStream({
      start(controller) {
        controller.enqueue(encoder.encode('chunk one, '));
        controller.enqueue(encoder.encode('chunk two'));
        controller.close();
      },
    });
    // What the engine itself makes of such a body, before any worker sees it.
    const ownBody = await new Request('/', { method: 'POST', body: stream(), duplex: 'half' } as RequestInit).text();
    const init = { method: 'POST', body: stream(), headers: { 'X-CSRF-TOKEN': csrf }, duplex: 'half' };
    const response = await fetch('/api/echo', init as RequestInit);
    return { ownBody, status: response.status, echo: await response.json() as { length: number; sha256: string } };
  });

  const asSent = STREAM_BODY_AS_SENT[profile.engine]!;
  expect(answer.ownBody).toBe(asSent);
  expect(answer.status).toBe(200);
  expect(answer.echo.sha256).toBe(createHash('sha256').update(asSent).digest('hex'));
  const stats = await backend.stats();
  // Sent once with the expired token, then replayed once: the replay's bytes are the ones echoed.
  expect(stats.apiRequests).toBe(2);
  expect(stats.api401).toBe(1);
  expect(stats.refreshRequests).toBe(1);
});
