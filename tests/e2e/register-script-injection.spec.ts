// HTML injection without script execution: a strict CSP blocks inline script but lets same-origin
// scripts run, so an attacker who can inject markup can add the broker's own tag with attributes
// of their choosing. The register script must register nothing but the broker with a config the
// site deployed beside it (src/sw/registration-rules.ts); the worker refuses any other config too.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, logIn, openTab, requires, test } from './fixtures.ts';
import { startRecordingOrigin } from './recording-origin.ts';

const REFUSED = 'the broker is not registered';

// Firefox started per profile on a busy machine took up to 45 s for each of these; the margin is for that.
test.slow();

test.use({
  backendFiles: {
    // A JSONP-like endpoint: a valid script whatever its callback, so a registration of it would succeed.
    'jsonp.js': '/* jsonp */ if (typeof cb === "function") cb({ items: [] });\n',
    'injected-sw.html': `<!doctype html><html><head><meta charset="utf-8">
<script src="/token-broker-register.js" data-sw="/jsonp.js?cb=cb" data-scope="/account/" data-config="/token-broker.json"></script>
</head><body><p>a page with an injected tag</p></body></html>`,
    'injected-config.html': `<!doctype html><html><head><meta charset="utf-8">
<script src="/token-broker-register.js" data-config="/uploads/token-broker.json"></script>
</head><body><p>a page with an injected tag</p></body></html>`,
  },
});

test('an injected tag pointing data-sw at a same-origin JSONP script registers nothing', async ({ profile, backend }) => {
  requires(profile, 'pageConsole');
  const tab = await openTab(profile, backend, 'injected-sw.html');
  // Whichever comes first: a registration (the gadget worked) or the register script's refusal.
  await expect.poll(async () => profile.consoleLines.some((line) => line.includes(REFUSED)) ||
    (await tab.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length)) > 0, { timeout: 15_000 }).toBe(true);
  expect(await tab.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).map((r) => r.scope))).toEqual([]);
  expect(profile.consoleLines.filter((line) => line.includes(REFUSED))).toEqual([
    `token-broker: data-sw must name a file token-broker-sw.js, with no query or fragment; ${REFUSED}`,
  ]);
});

test('an uploaded config whose api is another origin is refused: nothing is installed and that origin gets no cookie value', async ({ profile, backend }) => {
  requires(profile, 'pageConsole');
  const other = await startRecordingOrigin(new URL(backend.url).origin);
  try {
    // What an attacker could upload: a valid config that sends the CSRF values to their origin.
    mkdirSync(join(backend.staticDir, 'uploads'), { recursive: true });
    writeFileSync(join(backend.staticDir, 'uploads/token-broker.json'), JSON.stringify({
      api: [`${other.url}api/`],
      refresh: { url: `${other.url}refresh`, credentials: 'include', headers: { 'X-CSRF-TOKEN': { cookie: 'csrf_refresh_token' } } },
      headers: { 'X-CSRF-TOKEN': { cookie: 'csrf_access_token' } },
    }));
    const tab = await openTab(profile, backend, 'injected-config.html');
    await logIn(tab);
    await expect.poll(async () => profile.consoleLines.some((line) => line.includes(REFUSED)) ||
      (await tab.evaluate(() => !!navigator.serviceWorker.controller)), { timeout: 15_000 }).toBe(true);
    expect(profile.consoleLines.filter((line) => line.includes(REFUSED))).toEqual([
      `token-broker: the config must be a .json file in the worker's own directory (/), with no query but ?v=; ${REFUSED}`,
    ]);

    // A registration made past the register script (an old copy of it, say): the worker refuses to install.
    const state = await tab.evaluate(async () => {
      const registration = await navigator.serviceWorker.register('/token-broker-sw.js?config=%2Fuploads%2Ftoken-broker.json');
      const worker = registration.installing ?? registration.waiting ?? registration.active;
      if (!worker) return 'none';
      if (worker.state === 'activated' || worker.state === 'redundant') return worker.state;
      return new Promise<string>((resolve) => worker.addEventListener('statechange', () => {
        if (worker.state === 'activated' || worker.state === 'redundant') resolve(worker.state);
      }));
    });
    expect(state).toBe('redundant');

    // A request the injected markup could cause towards that origin carries no cookie value.
    await tab.evaluate(async (url) => { await fetch(`${url}api/items`, { credentials: 'include' }).catch(() => undefined); }, other.url);
    const values = (await profile.cookies()).filter((c) => c.name.startsWith('csrf_')).map((c) => c.value);
    expect(values).toHaveLength(2);
    expect(other.received.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/items']);
    for (const request of other.received) {
      for (const value of values) expect(JSON.stringify(request.headers)).not.toContain(value);
    }
  } finally {
    await other.close();
  }
});
