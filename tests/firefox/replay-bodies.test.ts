import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sendEveryBodyKindInPage } from '../shared/naive-page.ts';
import { adopterPage, logIn, openControlledTab, withFirefox } from './firefox.ts';

// As tests/e2e/replay-bodies.spec.ts: each body goes out alone right after an expiry, so that
// each meets its 401 and is replayed; a 1 ms cooldown lets those close 401s count as expiries.
const FILES = {
  'bodies.json': JSON.stringify({ preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' }, cooldownMs: 1 }),
  'bodies.html': adopterPage('/bodies.json'),
};

test('In Firefox, bodies of every kind are replayed byte for byte, with their method and content type.', async () => {
  await withFirefox({ files: FILES }, async (run) => {
    const tab = await openControlledTab(run, 'bodies.html');
    await logIn(tab);
    await run.demo.resetCounters();

    const results = await tab.evaluate(sendEveryBodyKindInPage);

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
