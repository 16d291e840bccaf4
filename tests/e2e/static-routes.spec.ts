// Zero cost off the API: where the browser has static routing (Chromium), the broker's install
// declares that only requests to its API prefixes and its refresh URL wake the worker; navigations,
// a page's scripts, styles and images, and requests to other origins go to the network without
// it. Firefox has no static routing: there the worker still sees them and declines them.
//
// Who saw what: the served token-broker-sw.js is the built worker behind a thin wrapper that
// records every fetch event it is given (before the broker's own listener, without answering any)
// and tells a page the list. The server's answers and the page's loaded assets say the rest.
import { readFileSync } from 'node:fs';
import { adopterPage, expect, logIn, openControlledTab, test } from './fixtures.ts';

const MARKER = { name: 'X-Token-Broker', value: 'stamped' };
const ASSETS_PER_KIND = 10;
const SEEN_MESSAGE = 'static-routes-test:fetch-events-seen';

const COUNTING_WORKER = `
const seen = [];
self.addEventListener('fetch', (event) => seen.push({ url: event.request.url, mode: event.request.mode }));
self.addEventListener('message', (event) => {
  if (event.data === '${SEEN_MESSAGE}') event.ports[0].postMessage(seen);
});
importScripts('/broker-under-test.js');
`;

function assetsPage(): string {
  const indexes = Array.from({ length: ASSETS_PER_KIND }, (_, i) => i);
  return `<!doctype html><html><head><meta charset="utf-8">
<script src="/token-broker-register.js" data-config="/static-routes.json"></script>
${indexes.map((i) => `<link rel="stylesheet" href="/assets/style-${i}.css">`).join('\n')}
${indexes.map((i) => `<script src="/assets/script-${i}.js"></script>`).join('\n')}
</head><body>
${indexes.map((i) => `<img class="asset" src="/assets/image-${i}.svg">`).join('\n')}
<p id="styled">assets</p></body></html>`;
}

function assetFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < ASSETS_PER_KIND; i += 1) {
    files[`assets/style-${i}.css`] = `#styled { --style-${i}: loaded; }\n`;
    files[`assets/script-${i}.js`] = `window.scriptsLoaded = (window.scriptsLoaded || 0) + 1;\n`;
    files[`assets/image-${i}.svg`] = '<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"><rect width="2" height="2"/></svg>\n';
  }
  return files;
}

test.use({
  backendFiles: {
    'broker-under-test.js': readFileSync('dist/token-broker-sw.js', 'utf8'),
    'token-broker-sw.js': COUNTING_WORKER,
    'static-routes.json': JSON.stringify({
      preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' }, headers: { [MARKER.name]: MARKER.value },
    }),
    'static-routes.html': adopterPage('/static-routes.json'),
    'assets.html': assetsPage(),
    ...assetFiles(),
  },
});

interface SeenEvent {
  url: string;
  mode: string;
}

test('off the API the worker is not woken where static routing exists (a navigation, 30 assets, another origin), and API requests and the page\'s own refresh call are still brokered', async ({ profile, backend }) => {
  const tab = await openControlledTab(profile, backend, 'static-routes.html');
  await logIn(tab);
  await backend.resetCounters();

  // A navigation under the worker's scope, to a page with 10 styles, 10 scripts and 10 images.
  await tab.goto(new URL('assets.html', backend.url).href);
  await tab.waitForFunction(() => !!navigator.serviceWorker.controller);
  const loaded = await tab.evaluate((expected: number) => {
    const images = [...document.querySelectorAll<HTMLImageElement>('img.asset')];
    const style = getComputedStyle(document.getElementById('styled')!);
    const styles = Array.from({ length: expected }, (_, i) => style.getPropertyValue(`--style-${i}`).trim()).filter((v) => v === 'loaded').length;
    const scripts = (window as unknown as { scriptsLoaded?: number }).scriptsLoaded ?? 0;
    return { images: images.filter((image) => image.complete && image.naturalWidth === 2).length, styles, scripts };
  }, ASSETS_PER_KIND);
  expect(loaded).toEqual({ images: ASSETS_PER_KIND, styles: ASSETS_PER_KIND, scripts: ASSETS_PER_KIND });

  // Another origin (the same server under another host name), and the API, then the page's own refresh call.
  const answers = await tab.evaluate(async (marker: string) => {
    const otherOrigin = `http://localhost:${location.port}/public/echo-headers`;
    const other = await fetch(otherOrigin, { mode: 'no-cors' }).then((response) => response.type, () => 'failed');
    const api = await fetch(`/api/echo?headers=${marker}`, { method: 'POST', body: 'x' });
    const echoed = ((await api.json()) as { headers: Record<string, string | null> }).headers;
    const csrf = document.cookie.split('; ').find((c) => c.startsWith('csrf_refresh_token='))!.split('=')[1]!;
    const refresh = await fetch('/token/refresh', { method: 'POST', headers: { 'X-CSRF-TOKEN': csrf } });
    return { other, apiStatus: api.status, echoed, refreshStatus: refresh.status };
  }, MARKER.name);
  expect(answers).toEqual({ other: 'opaque', apiStatus: 200, echoed: { [MARKER.name.toLowerCase()]: MARKER.value }, refreshStatus: 200 });
  const stats = await backend.stats();
  expect(stats.refreshRequests).toBe(1);
  expect(stats.publicRequests).toBe(1);

  const seen = await tab.evaluate((message: string) => new Promise<SeenEvent[]>((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => resolve(event.data as SeenEvent[]);
    navigator.serviceWorker.controller!.postMessage(message, [channel.port2]);
  }), SEEN_MESSAGE);
  const paths = seen.map((event) => new URL(event.url).pathname);
  const offApi = seen.filter((event) => !['/api/echo', '/token/refresh'].includes(new URL(event.url).pathname));
  console.log(`${profile.engine}: the worker saw ${seen.length} fetch events, ${offApi.length} of them off the API`);

  // Brokered requests reach the worker in every engine.
  expect(paths).toContain('/api/echo');
  expect(paths).toContain('/token/refresh');
  if (profile.engine === 'chromium') {
    // Static routing: nothing off the API woke the worker.
    expect(offApi).toEqual([]);
  } else {
    // No static routing: the worker saw the navigation, the 30 assets and the other origin, and declined them all.
    expect(offApi.filter((event) => event.mode === 'navigate').map((event) => new URL(event.url).pathname)).toEqual(['/assets.html']);
    expect(offApi.filter((event) => new URL(event.url).pathname.startsWith('/assets/')).length).toBe(3 * ASSETS_PER_KIND);
    expect(offApi.some((event) => new URL(event.url).host.startsWith('localhost'))).toBe(true);
  }
});
