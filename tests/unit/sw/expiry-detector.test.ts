import { describe, expect, it } from 'vitest';
import { classifyAnswer, isExpiredAnswer } from '../../../src/sw/expiry-detector.ts';
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

  it('classifies: expired in words, presumed from a bare status, rejected when the words say something else', async () => {
    expect(await classifyAnswer(json(401, { msg: 'Token has expired' }), flask)).toBe('expired');
    expect(await classifyAnswer(json(401, { msg: 'CSRF double submit tokens do not match' }), flask)).toBe('rejected');
    expect(await classifyAnswer(json(422, { msg: 'Not enough segments' }), flask)).toBe('other');
    expect(await classifyAnswer(new Response('', { status: 401 }), { status: [401] })).toBe('presumed-expired');
    const rule = { status: [401], wwwAuthenticate: 'error="invalid_token"' };
    expect(await classifyAnswer(new Response('', { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } }), rule)).toBe('expired');
    expect(await classifyAnswer(new Response('', { status: 401, headers: { 'www-authenticate': 'Bearer error="insufficient_scope"' } }), rule)).toBe('rejected');
  });
});
