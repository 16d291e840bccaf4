// The cookie bridge, against the REAL register script: the tabs answer the broker's questions
// about script-readable cookies when its own cookieStore is blind (src/sw/page-cookie-reader.ts).
// A worker of the test's own (tests/shared/probe-worker.ts) asks the questions: served at the path
// a page's register script names, it is that page's "own worker"; served anywhere else, it is a
// foreign worker of the same origin that must get nothing.

import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { activateWorkerInPage, askThroughProbeInPage, PROBE_WORKER_SOURCE, type ProbeAnswer } from '../shared/probe-worker.ts';
import type { TestBackend } from './test-backend.ts';
import { expect, openControlledTab, openTab, test } from './fixtures.ts';

const PROBE_PAGE = `<!doctype html><html><head><meta charset="utf-8">
<script src="/token-broker-register.js" data-sw="/probe/token-broker-sw.js" data-scope="/probe/" data-config="/probe/token-broker.json"></script>
</head><body><p>a page whose register script names the probe as its worker</p></body></html>`;

// Each test opens tabs and registers workers of its own: in a Firefox started per profile, on a
// busy machine, that alone took 45-60 s here. The margin is for that, not for anything awaited.
test.slow();

// A copy of dist/ of the test's own, so that the test may add files in folders.
test.use({ backendFiles: { 'foreign-probe-sw.js': PROBE_WORKER_SOURCE } });

function serve(backend: TestBackend, path: string, content: string): void {
  const file = join(backend.staticDir, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
}

function answerOf(answers: readonly ProbeAnswer[], url: string): unknown {
  const found = answers.find((entry) => entry.url === url);
  if (!found) throw new Error(`the probe saw no window at ${url}; it saw ${answers.map((entry) => entry.url).join(', ')}`);
  return found.answer;
}

test('the register script answers only its own worker, only the cookies named, with the first of two same-named cookies', async ({ profile, backend }) => {
  serve(backend, 'probe/token-broker-sw.js', PROBE_WORKER_SOURCE);
  serve(backend, 'probe/token-broker.json', '{}');
  serve(backend, 'probe/page.html', PROBE_PAGE);
  // A foreign worker whose file has the broker's name, in another folder: the path must match, not the name.
  serve(backend, 'other/token-broker-sw.js', PROBE_WORKER_SOURCE);

  const probePage = await openTab(profile, backend, 'probe/page.html');
  expect(await probePage.evaluate(activateWorkerInPage, { scope: '/probe/' })).toBe(new URL('probe/token-broker-sw.js?config=%2Fprobe%2Ftoken-broker.json', backend.url).href);
  // Two cookies of one name, as after a deploy that changed a Path; the browser lists (and sends) the
  // more specific one first. And one cookie nobody asks for.
  await probePage.evaluate(() => {
    document.cookie = 'csrf_access_token=general; path=/';
    document.cookie = 'csrf_access_token=specific; path=/probe/';
    document.cookie = 'unasked=not-for-the-worker; path=/';
  });
  expect(await probePage.evaluate(() => document.cookie)).toBe('csrf_access_token=specific; csrf_access_token=general; unasked=not-for-the-worker');

  // A tab of the real broker, and two foreign workers of the same origin in scopes of their own.
  const brokerTab = await openControlledTab(profile, backend);
  await brokerTab.evaluate(activateWorkerInPage, { url: '/foreign-probe-sw.js', scope: '/foreign/' });
  await brokerTab.evaluate(activateWorkerInPage, { url: '/other/token-broker-sw.js', scope: '/other/' });

  const question = { names: ['csrf_access_token', 'missing'], waitMs: 2_000 };
  const [fromOwn, fromForeign, fromOther] = await Promise.all([
    brokerTab.evaluate(askThroughProbeInPage, { scope: '/probe/', ...question }),
    brokerTab.evaluate(askThroughProbeInPage, { scope: '/foreign/', ...question }),
    brokerTab.evaluate(askThroughProbeInPage, { scope: '/other/', ...question }),
  ]);
  const probeUrl = new URL('probe/page.html', backend.url).href;
  const brokerUrl = new URL('minimal.html', backend.url).href;

  // Its own worker: the names asked and nothing else; the first csrf_access_token; null for none.
  expect(answerOf(fromOwn, probeUrl)).toEqual({ values: { csrf_access_token: 'specific', missing: null } });
  // The broker's tab answers only /token-broker-sw.js; nobody answers a foreign worker.
  expect(answerOf(fromOwn, brokerUrl)).toBe('none');
  for (const answers of [fromForeign, fromOther]) {
    expect(answerOf(answers, probeUrl)).toBe('none');
    expect(answerOf(answers, brokerUrl)).toBe('none');
  }
});

test('a tab still loading (DOMContentLoaded not yet fired) answers its worker at once', async ({ profile, backend }) => {
  // A script that keeps the page's parser waiting until the test lets it go.
  let release = () => undefined as void;
  const released = new Promise<void>((resolve) => { release = resolve; });
  const held = createServer((request, response) => {
    void released.then(() => {
      response.setHeader('content-type', 'text/javascript');
      response.end('/* released */');
    });
    request.resume();
  });
  await new Promise<void>((resolve) => held.listen(0, '127.0.0.1', resolve));
  const heldScript = `http://localhost:${(held.address() as AddressInfo).port}/held.js`;
  try {
    serve(backend, 'probe/token-broker-sw.js', PROBE_WORKER_SOURCE);
    serve(backend, 'probe/token-broker.json', '{}');
    serve(backend, 'probe/page.html', PROBE_PAGE);
    serve(backend, 'probe/loading.html', `<!doctype html><html><head><meta charset="utf-8">
<script src="/token-broker-register.js" data-sw="/probe/token-broker-sw.js" data-scope="/probe/" data-config="/probe/token-broker.json"></script>
<meta name="register-script-ran">
<script src="${heldScript}"></script>
</head><body></body></html>`);

    const probePage = await openTab(profile, backend, 'probe/page.html');
    await probePage.evaluate(activateWorkerInPage, { scope: '/probe/' });
    await probePage.evaluate(() => { document.cookie = 'csrf_refresh_token=r1; path=/'; });
    // The loading page in a frame: its register script has run, its parser waits on the held script.
    await probePage.evaluate(() => {
      const frame = document.createElement('iframe');
      frame.src = '/probe/loading.html';
      document.body.append(frame);
    });
    await probePage.waitForFunction(() => !!document.querySelector('iframe')?.contentDocument?.querySelector('meta[name="register-script-ran"]'));
    expect(await probePage.evaluate(() => document.querySelector('iframe')?.contentDocument?.readyState)).toBe('loading');

    const answers = await probePage.evaluate(askThroughProbeInPage, { scope: '/probe/', names: ['csrf_refresh_token'], waitMs: 5_000 });
    expect(answerOf(answers, new URL('probe/loading.html', backend.url).href)).toEqual({ values: { csrf_refresh_token: 'r1' } });
    expect(await probePage.evaluate(() => document.querySelector('iframe')?.contentDocument?.readyState)).toBe('loading');
  } finally {
    release();
    await new Promise<void>((resolve) => {
      held.close(() => resolve());
      held.closeAllConnections();
    });
  }
});
