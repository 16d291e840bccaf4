// Bodies of every kind replayed through the real flask-jwt-extended: each request meets flask's
// own "Token has expired", the broker refreshes and replays it, and flask (werkzeug's parser)
// says what bytes it received.
import { sendEveryBodyKindInPage } from '../shared/naive-page.ts';
import { adopterPage } from './demo-server.ts';
import { expect, logIn, openControlledTab, test } from './fixtures.ts';

// Against the real flask-jwt-extended app (tests/flask), not the demo server's imitation of it.
test.use({ backendKind: 'flask' });

// Starting the real flask app takes seconds (python imports), and on a busy machine a scenario
// in Firefox (a browser per profile) can take most of the default 60 s before that.
test.describe.configure({ timeout: 120_000 });

const VALUE_U_SHA256 = '76947384dac485e988c194addf959d66bdac8771f691e1d5b4c64e19839cfb10';

// A 1 ms cooldown lets the 401s that follow one another so closely count as expiries.
test.use({
  backendFiles: {
    'bodies.json': JSON.stringify({ preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' }, cooldownMs: 1 }),
    'bodies.html': adopterPage('/bodies.json'),
  },
});

test('real flask: bodies of every kind are replayed byte for byte, with their method and content type', async ({ profile, backend }) => {
  const tab = await openControlledTab(profile, backend, 'bodies.html');
  await logIn(tab);
  await backend.resetCounters();

  const results = await tab.evaluate(sendEveryBodyKindInPage);

  for (const { kind, method, type, expected, status, echo } of results) {
    expect(status, kind).toBe(200);
    expect(echo.method, kind).toBe(method);
    if (kind === 'formData') {
      expect(echo.contentType).toMatch(/^multipart\/form-data; boundary=/);
      expect(echo.parts).toEqual([
        // The text field by content: 'value ü' in UTF-8.
        { name: 'field', size: 8, sha256: VALUE_U_SHA256 },
        { name: 'upload', filename: 'data.bin', size: 70_000, sha256: expected },
      ]);
    } else {
      expect(echo.contentType, kind).toBe(type);
      expect(echo.sha256, kind).toBe(expected);
    }
  }
  const stats = await backend.stats();
  // Each of the six went out first with the expired token (flask's 401), then was replayed once.
  expect(stats.api401Expired).toBe(6);
  expect(stats.apiSucceeded).toBe(6);
  expect(stats.refreshRequests).toBe(6);
  expect(stats.reuseDetected).toBe(0);
});
