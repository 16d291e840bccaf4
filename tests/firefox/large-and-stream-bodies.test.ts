import assert from 'node:assert/strict';
import { test } from 'node:test';
import { postEchoInPage } from '../shared/naive-page.ts';
import { adopterPage, logIn, openControlledTab, withFirefox } from './firefox.ts';

const MAX_REPLAY_BODY_BYTES = 1_024;

const FILES = {
  'small-bound.json': JSON.stringify({
    preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' }, maxReplayBodyBytes: MAX_REPLAY_BODY_BYTES,
  }),
  'small-bound.html': adopterPage('/small-bound.json'),
};

test('In Firefox, a body over the replay bound is sent once and its 401 goes back to the page as it came.', async () => {
  await withFirefox({ files: FILES }, async (run) => {
    const { demo } = run;
    const tab = await openControlledTab(run, 'small-bound.html');
    await logIn(tab);
    await demo.expireAccessTokens();
    await demo.resetCounters();

    const answer = await tab.evaluate(postEchoInPage, 'x'.repeat(MAX_REPLAY_BODY_BYTES + 1));

    assert.deepEqual(answer, { status: 401, body: { msg: 'Token has expired' } });
    const stats = await demo.stats();
    assert.equal(stats.apiRequests, 1);
    assert.equal(stats.refreshRequests, 0);

    // A body within the bound, right after, is replayed as usual.
    const small = (await tab.evaluate(postEchoInPage, 'small')).status;
    assert.equal(small, 200);
    assert.equal((await demo.stats()).refreshRequests, 1);
  });
});

// Firefox ESR 153 has no streaming request bodies (measured here): fetch does not take a
// ReadableStream as a body, so it turns it into the string "[object ReadableStream]" (text/plain),
// with or without a service worker. The broker gets that string as the body, keeps it and replays
// it byte for byte like any other: what the server receives is what Firefox sends without the broker.
test('In Firefox, a ReadableStream body reaches the broker as Firefox\'s own string for it and is replayed byte for byte.', async () => {
  await withFirefox({ files: FILES }, async (run) => {
    const { demo } = run;
    const tab = await openControlledTab(run, 'small-bound.html');
    await logIn(tab);
    await demo.expireAccessTokens();
    await demo.resetCounters();

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
      // What Firefox itself makes of such a body, before any worker sees it.
      const ownBody = await new Request('/', { method: 'POST', body: stream(), duplex: 'half' } as RequestInit).text();
      const init = { method: 'POST', body: stream(), headers: { 'X-CSRF-TOKEN': csrf }, duplex: 'half' };
      const response = await fetch('/api/echo', init as RequestInit);
      const hex = [...new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(ownBody)))]
        .map((b) => b.toString(16).padStart(2, '0')).join('');
      return {
        ownBody, ownSha256: hex, status: response.status,
        echo: await response.json() as { contentType: string | null; length: number; sha256: string },
      };
    });

    const stats = await demo.stats();
    console.log(`firefox, ReadableStream body: Firefox sends it as ${JSON.stringify(answer.ownBody)} (${answer.echo.contentType}); ` +
      `answered ${answer.status} after ${stats.api401} 401 and ${stats.refreshRequests} refresh`);
    assert.equal(answer.ownBody, '[object ReadableStream]');
    assert.equal(answer.status, 200);
    assert.equal(answer.echo.length, answer.ownBody.length);
    assert.equal(answer.echo.sha256, answer.ownSha256);
    assert.equal(answer.echo.contentType, 'text/plain;charset=UTF-8');
    assert.equal(stats.api401, 1);
    assert.equal(stats.refreshRequests, 1);
  });
});
