import { describe, expect, it, vi } from 'vitest';
import { BODY_READ_TIMEOUT_MS, readBodyWithin } from '../../../src/sw/bounded-body-read.ts';
import { isExpiredAnswer } from '../../../src/sw/expiry-detector.ts';
import { PRESETS } from '../../../src/sw/presets.ts';

const flask = PRESETS['flask-jwt-extended'].expiredWhen;
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('isExpiredAnswer', () => {
  it('takes any 401 for an expiry by default, and nothing else', async () => {
    expect(await isExpiredAnswer(new Response('', { status: 401 }), { status: [401] })).toBe(true);
    expect(await isExpiredAnswer(new Response('', { status: 403 }), { status: [401] })).toBe(false);
    expect(await isExpiredAnswer(new Response('', { status: 200 }), { status: [401] })).toBe(false);
  });

  it('with the flask-jwt-extended preset, tells an expired token from the 401s a refresh cannot cure', async () => {
    expect(await isExpiredAnswer(json(401, { msg: 'Token has expired' }), flask)).toBe(true);
    expect(await isExpiredAnswer(json(401, { msg: 'Missing cookie "access_token_cookie"' }), flask)).toBe(true);
    for (const msg of ['CSRF double submit tokens do not match', 'Missing CSRF token', 'Token has been revoked', 'Fresh token required']) {
      expect(await isExpiredAnswer(json(401, { msg }), flask), msg).toBe(false);
    }
    expect(await isExpiredAnswer(new Response('<html>401</html>', { status: 401 }), flask)).toBe(false);
    expect(await isExpiredAnswer(json(422, { msg: 'Not enough segments' }), flask)).toBe(false);
  });

  it('leaves the answer\'s body unread for the page', async () => {
    const response = json(401, { msg: 'Token has expired' });
    await isExpiredAnswer(response, flask);
    expect(response.bodyUsed).toBe(false);
    expect(await response.json()).toEqual({ msg: 'Token has expired' });
  });

  it('matches an OAuth resource server\'s WWW-Authenticate header', async () => {
    const rule = { status: [401], wwwAuthenticate: 'error="invalid_token"' };
    expect(await isExpiredAnswer(new Response('', { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } }), rule)).toBe(true);
    expect(await isExpiredAnswer(new Response('', { status: 401, headers: { 'www-authenticate': 'Bearer realm="api"' } }), rule)).toBe(false);
    expect(await isExpiredAnswer(new Response('', { status: 401 }), rule)).toBe(false);
  });

  it('does not read a large body to find the field', async () => {
    const big = json(401, { msg: 'Token has expired', padding: 'x'.repeat(70_000) });
    expect(await isExpiredAnswer(big, flask)).toBe(false);
  });
});

/** A 401 whose body starts and never ends, as a chunked answer from a server that stops writing. */
function neverEndingAnswer(start: string, init: ResponseInit = { status: 401 }): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(start));
    },
  });
  return new Response(body, init);
}

describe('isExpiredAnswer, with a body that never ends', () => {
  it('gives up reading after a bounded time, takes the answer for no expiry, and leaves its body streaming for the page', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const response = neverEndingAnswer('{"msg": "Token has expired"');
      let verdict: boolean | undefined;
      const judged = isExpiredAnswer(response, flask).then((value) => { verdict = value; });
      await vi.advanceTimersByTimeAsync(BODY_READ_TIMEOUT_MS + 1);
      await judged;
      expect(verdict).toBe(false);
      // The page's copy still has its start, unread, and goes on streaming.
      const reader = response.body!.getReader();
      expect(new TextDecoder().decode((await reader.read()).value)).toBe('{"msg": "Token has expired"');
      await reader.cancel();
    } finally {
      vi.useRealTimers();
    }
  });

  it('stops at the size bound without waiting for the end of an endless body', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
    const endless = new ReadableStream<Uint8Array>({
      async pull(controller) {
        await new Promise((resolve) => setTimeout(resolve, 0)); // a network's pace, not a busy loop
        controller.enqueue(chunk);
      },
    });
    expect(await isExpiredAnswer(new Response(endless, { status: 401 }), flask)).toBe(false);
  });
});

describe('readBodyWithin', () => {
  it('reads a small body whole, and the first bytes of one over the size bound, leaving the response unread', async () => {
    const small = new Response('{"msg": "x"}');
    expect(await readBodyWithin(small, { maxBytes: 100, timeoutMs: 1_000 })).toEqual({ bytes: new TextEncoder().encode('{"msg": "x"}'), complete: true });
    expect(await small.text()).toBe('{"msg": "x"}');
    const large = await readBodyWithin(new Response('x'.repeat(200)), { maxBytes: 100, timeoutMs: 1_000 });
    expect(large.complete).toBe(false);
    expect(large.bytes.byteLength).toBe(100);
  });
});
