import { adopterPage, expect, logIn, openControlledTab, test } from './fixtures.ts';

// Each body goes out alone right after an expiry, so that each one meets its 401 and is replayed
// (requests sent while a refresh is in flight are held, not replayed). A 1 ms cooldown lets the
// 401s that follow one another so closely count as expiries.
test.use({
  demoFiles: {
    'bodies.json': JSON.stringify({ preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' }, cooldownMs: 1 }),
    'bodies.html': adopterPage('/bodies.json'),
  },
});

interface Echo {
  method: string;
  contentType: string | null;
  length: number;
  sha256: string;
  parts?: { name: string; filename?: string; size: number; sha256: string }[];
}

test('replays bodies of every kind byte for byte, with their method and content type', async ({ context, demo }) => {
  const tab = await openControlledTab(context, demo, 'bodies.html');
  await logIn(tab);
  await demo.resetCounters();

  const results = await tab.evaluate(async () => {
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
    ] as const;

    const results = [];
    for (const { kind, method, body, type, expected } of cases) {
      await fetch('/__demo/expire', { method: 'POST' });
      const headers: Record<string, string> = { 'X-CSRF-TOKEN': csrf() };
      if (kind === 'json') headers['content-type'] = 'application/json';
      const response = await fetch('/api/echo', { method, body, headers });
      results.push({ kind, method, type, expected, status: response.status, echo: await response.json() as Echo });
    }
    return results;
  });

  for (const { kind, method, type, expected, status, echo } of results) {
    expect(status, kind).toBe(200);
    expect(echo.method, kind).toBe(method);
    if (kind === 'formData') {
      expect(echo.contentType).toMatch(/^multipart\/form-data; boundary=/);
      expect(echo.parts).toEqual([
        { name: 'field', size: 8, sha256: expect.any(String) },
        { name: 'upload', filename: 'data.bin', size: 70_000, sha256: expected },
      ]);
    } else {
      expect(echo.contentType, kind).toBe(type);
      expect(echo.sha256, kind).toBe(expected);
    }
  }
  const stats = await demo.stats();
  // Each of the six went out first with the expired token (a 401), then was replayed once.
  expect(stats.api401).toBe(6);
  expect(stats.apiSucceeded).toBe(6);
  expect(stats.refreshRequests).toBe(6);
});
