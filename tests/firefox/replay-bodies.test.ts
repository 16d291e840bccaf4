import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adopterPage, logIn, openControlledTab, withFirefox } from './firefox.ts';

// As tests/e2e/replay-bodies.spec.ts: each body goes out alone right after an expiry, so that
// each meets its 401 and is replayed; a 1 ms cooldown lets those close 401s count as expiries.
const FILES = {
  'bodies.json': JSON.stringify({ preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' }, cooldownMs: 1 }),
  'bodies.html': adopterPage('/bodies.json'),
};

interface Echo {
  method: string;
  contentType: string | null;
  sha256: string;
  parts?: { name: string; filename?: string; size: number; sha256: string }[];
}

interface BodyResult {
  kind: string;
  method: string;
  type: string | null;
  expected: string;
  status: number;
  echo: Echo;
}

test('In Firefox, bodies of every kind are replayed byte for byte, with their method and content type.', async () => {
  await withFirefox({ files: FILES }, async (run) => {
    const tab = await openControlledTab(run, 'bodies.html');
    await logIn(tab);
    await run.demo.resetCounters();

    const results: BodyResult[] = await tab.evaluate(async () => {
      const hex = async (data: BufferSource) =>
        [...new Uint8Array(await crypto.subtle.digest('SHA-256', data))].map((b) => b.toString(16).padStart(2, '0')).join('');
      const csrf = () => document.cookie.split('; ').find((c) => c.startsWith('csrf_access_token='))!.split('=')[1]!;
      const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31 + 7) % 256);
      const text = 'plain text, ünïcödé ✓\r\n';
      const json = JSON.stringify({ order: 42, note: 'ünï', list: [1, 2, 3] });
      const params = new URLSearchParams({ a: '1', b: 'x y&z=', c: 'ü' });
      const form = new FormData();
      form.append('field', 'value ü');
      form.append('upload', new File([bytes], 'data.bin', { type: 'application/octet-stream' }));

      const cases = [
        { kind: 'json', method: 'POST', body: json, type: 'application/json', expected: await hex(new TextEncoder().encode(json)) },
        { kind: 'text', method: 'PUT', body: text, type: 'text/plain;charset=UTF-8', expected: await hex(new TextEncoder().encode(text)) },
        { kind: 'blob', method: 'PATCH', body: new Blob([bytes], { type: 'image/png' }), type: 'image/png', expected: await hex(bytes) },
        { kind: 'arrayBuffer', method: 'DELETE', body: bytes.buffer, type: null, expected: await hex(bytes) },
        { kind: 'urlSearchParams', method: 'POST', body: params, type: 'application/x-www-form-urlencoded;charset=UTF-8',
          expected: await hex(new TextEncoder().encode(params.toString())) },
        { kind: 'formData', method: 'POST', body: form, type: 'multipart/form-data', expected: await hex(bytes) },
      ];

      const found = [];
      for (const { kind, method, body, type, expected } of cases) {
        await fetch('/__demo/expire', { method: 'POST' });
        const headers: Record<string, string> = { 'X-CSRF-TOKEN': csrf() };
        if (kind === 'json') headers['content-type'] = 'application/json';
        const response = await fetch('/api/echo', { method, body, headers });
        found.push({ kind, method, type, expected, status: response.status, echo: await response.json() as Echo });
      }
      return found;
    });

    for (const { kind, method, type, expected, status, echo } of results) {
      assert.equal(status, 200, kind);
      assert.equal(echo.method, method, kind);
      if (kind === 'formData') {
        assert.match(echo.contentType ?? '', /^multipart\/form-data; boundary=/);
        assert.deepEqual(echo.parts?.map(({ name, filename, size }) => ({ name, filename, size })),
          [{ name: 'field', filename: undefined, size: 8 }, { name: 'upload', filename: 'data.bin', size: 70_000 }]);
        assert.equal(echo.parts?.[1]?.sha256, expected, kind);
      } else {
        assert.equal(echo.contentType, type, kind);
        assert.equal(echo.sha256, expected, kind);
      }
    }
    const stats = await run.demo.stats();
    console.log(`firefox, bodies: ${results.length} kinds, ${stats.api401} 401s on the wire, ${stats.refreshRequests} refreshes, ` +
      `${stats.apiSucceeded} replays answered 200`);
    // Each of the six went out first with the expired token (a 401), then was replayed once.
    assert.equal(stats.api401, 6);
    assert.equal(stats.apiSucceeded, 6);
    assert.equal(stats.refreshRequests, 6);
  });
});
