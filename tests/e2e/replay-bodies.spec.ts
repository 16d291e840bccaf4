// Bodies of every kind replayed, against the demo server and the real flask-jwt-extended (whose
// werkzeug parser then says what bytes it received).
import { createHash } from 'node:crypto';
import { sendEveryBodyKindInPage } from '../shared/naive-page.ts';
import { BACKEND_KINDS } from './backends.ts';
import { adopterPage, expect, logIn, openControlledTab, test } from './fixtures.ts';

// Starting the real flask app takes seconds (python imports), and on a busy machine a scenario in
// Firefox (a browser per profile) can take most of the default 60 s before that.
test.describe.configure({ timeout: 120_000 });

// Each body goes out alone right after an expiry, so that each one meets its 401 and is replayed
// (requests sent while a refresh is in flight are held, not replayed). A 1 ms cooldown lets the
// 401s that follow one another so closely count as expiries.
test.use({
  backendFiles: {
    'bodies.json': JSON.stringify({ preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' }, cooldownMs: 1 }),
    'bodies.html': adopterPage('/bodies.json'),
  },
});

for (const backendKind of BACKEND_KINDS) {
  test.describe(() => {
    test.use({ backendKind });

    test(`${backendKind}: replays bodies of every kind byte for byte, with their method and content type`, async ({ profile, backend }) => {
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
            // The text field by content, as the page wrote it (UTF-8): 'value ü' is 8 bytes.
            { name: 'field', size: 8, sha256: createHash('sha256').update('value ü').digest('hex') },
            { name: 'upload', filename: 'data.bin', size: 70_000, sha256: expected },
          ]);
        } else {
          expect(echo.contentType, kind).toBe(type);
          expect(echo.sha256, kind).toBe(expected);
        }
      }
      const stats = await backend.stats();
      // Each of the six went out first with the expired token (the server's "Token has expired"), then was replayed once.
      expect(stats.api401Expired).toBe(6);
      expect(stats.apiSucceeded).toBe(6);
      expect(stats.refreshRequests).toBe(6);
      expect(stats.reuseDetected).toBe(0);
    });
  });
}
