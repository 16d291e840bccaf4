import { describe, expect, it } from 'vitest';
import { OAUTH_FIELDS } from '../../../src/sw/bearer-config.ts';
import { MAX_TOKEN_ANSWER_BYTES, readTokenAnswer } from '../../../src/sw/token-answer.ts';
import { parsePlaceholder, placeholderFor } from '../../../src/sw/token-placeholders.ts';

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('readTokenAnswer', () => {
  it('reads a token answer, expires_in as a number or a digit string, and leaves the response itself unread', async () => {
    const response = json({ access_token: 'a', refresh_token: 'r', expires_in: '60' });
    expect(await readTokenAnswer(response, OAUTH_FIELDS)).toMatchObject({ kind: 'tokens', answer: { accessToken: 'a', refreshToken: 'r', expiresInS: 60 } });
    expect(response.bodyUsed).toBe(false);
  });

  it('says what is wrong with a 2xx that is not a token answer, never with a value from it', async () => {
    const cases: [Response, RegExp][] = [
      [new Response('<html>'), /not a JSON object/],
      [json({ refresh_token: 'secret-r' }), /"access_token" is missing/],
      [json({ access_token: 'secret-a', refresh_token: 5 }), /"refresh_token" is not a usable string/],
      [json({ access_token: 'secret-a', expires_in: -1 }), /"expires_in" is not a positive number/],
      [json({ access_token: 'x'.repeat(MAX_TOKEN_ANSWER_BYTES) }), /larger than/],
    ];
    for (const [response, reason] of cases) {
      const read = await readTokenAnswer(response, OAUTH_FIELDS);
      expect(read.kind).toBe('malformed');
      const text = read.kind === 'malformed' ? read.reason : '';
      expect(text).toMatch(reason);
      expect(text).not.toMatch(/secret|xxx/);
    }
  });

  it('gives an error answer\'s OAuth error code', async () => {
    expect(await readTokenAnswer(json({ error: 'invalid_grant' }, 400), OAUTH_FIELDS)).toEqual({ kind: 'error', status: 400, error: 'invalid_grant' });
    expect(await readTokenAnswer(new Response('oops', { status: 502 }), OAUTH_FIELDS)).toEqual({ kind: 'error', status: 502 });
  });
});

describe('placeholders', () => {
  it('say their session, generation and kind, and nothing else parses as one', () => {
    expect(parsePlaceholder(placeholderFor('abc123', 7, 'refresh'))).toEqual({ seed: 'abc123', generation: 7, kind: 'refresh' });
    for (const other of ['eyJhbGciOi.x.y', 'tb.placeholder.abc.x.access', 'tb.placeholder.abc.1.id', 'tb.placeholder.abc.1.access.extra', 'tb.placeholder..1.access']) {
      expect(parsePlaceholder(other)).toBeUndefined();
    }
  });
});
