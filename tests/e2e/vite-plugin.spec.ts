// The Vite plugin, token-broker/vite: a small app built with it by Vite's own JS API in a temp
// directory. The build emits the worker with the config built in and the register script, adds
// the tag to the page, and writes no config file; a bad config fails the build naming the key;
// `vite dev` serves the same worker and tag; and the built app, served by the test's backend, is
// brokered: one refresh after expiry, every request succeeds, no config fetched.
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, createServer } from 'vite';
import { tokenBroker } from '../../src/vite/token-broker-plugin.ts';
import { count, expect, fireBurst, logIn, openControlledTabs, test } from './fixtures.ts';

const CONFIG = { preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' } } as const;
// The package's files as `npm run build` left them.
const FILES_DIR = resolve('dist');

/** A fixture app: one page and one module, as `npm create vite` would give. */
function fixtureApp(): string {
  const root = mkdtempSync(join(tmpdir(), 'token-broker-vite-app-'));
  writeFileSync(join(root, 'index.html'), `<!doctype html><html><head><meta charset="utf-8"><title>vite app</title></head>
<body><p id="app"></p><script type="module" src="/main.js"></script></body></html>`);
  writeFileSync(join(root, 'main.js'), `document.querySelector('#app').textContent = 'built by vite';\n`);
  return root;
}

async function buildApp(root: string, config: unknown): Promise<string> {
  const outDir = join(root, 'dist');
  await build({
    root, configFile: false, logLevel: 'silent',
    build: { outDir, emptyOutDir: true },
    plugins: [tokenBroker(config as typeof CONFIG, { filesDir: FILES_DIR })],
  });
  return outDir;
}

test.describe.configure({ timeout: 120_000 });
// A copy of dist the test may add the built app to.
test.use({ backendFiles: { 'vite-app/.keep': '' } });

test('vite build emits the worker with its config built in, the register script and the tag, and a bad config fails the build naming the key', async () => {
  const root = fixtureApp();
  try {
    const outDir = await buildApp(root, CONFIG);
    const worker = readFileSync(join(outDir, 'token-broker-sw.js'), 'utf8');
    expect(worker.startsWith(`self.__TOKEN_BROKER_CONFIG__ = ${JSON.stringify(CONFIG)};\n`)).toBe(true);
    expect(worker.endsWith(readFileSync(join(FILES_DIR, 'token-broker-sw.js'), 'utf8'))).toBe(true);
    expect(readFileSync(join(outDir, 'token-broker-register.js'), 'utf8')).toBe(readFileSync(join(FILES_DIR, 'token-broker-register.js'), 'utf8'));
    const html = readFileSync(join(outDir, 'index.html'), 'utf8');
    expect(html).toContain('<script src="/token-broker-register.js" data-built-in-config data-sw="/token-broker-sw.js" data-scope="/"></script>');
    expect(readdirSync(outDir).filter((name) => name.endsWith('.json'))).toEqual([]);

    const bad = { ...CONFIG, api: '/api/', refreshTimeoutMs: -1 };
    await expect(buildApp(root, bad)).rejects.toThrow(/"api" must be a non-empty array[\s\S]*"refreshTimeoutMs" must be a positive whole number/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('vite dev serves the worker with its config built in, the register script, and the tag in the page', async () => {
  const root = fixtureApp();
  const server = await createServer({
    root, configFile: false, logLevel: 'silent', server: { port: 0, host: '127.0.0.1', hmr: false },
    plugins: [tokenBroker(CONFIG, { filesDir: FILES_DIR })],
  });
  try {
    await server.listen();
    const base = server.resolvedUrls!.local[0]!;
    const worker = await fetch(new URL('token-broker-sw.js', base));
    expect(worker.headers.get('content-type')).toContain('text/javascript');
    expect((await worker.text()).startsWith(`self.__TOKEN_BROKER_CONFIG__ = ${JSON.stringify(CONFIG)};\n`)).toBe(true);
    expect(await (await fetch(new URL('token-broker-register.js', base))).text()).toBe(readFileSync(join(FILES_DIR, 'token-broker-register.js'), 'utf8'));
    expect(await (await fetch(base)).text()).toContain('<script src="/token-broker-register.js" data-built-in-config data-sw="/token-broker-sw.js" data-scope="/"></script>');
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test('the app built with the plugin is brokered: one refresh after expiry, every request of two tabs succeeds, no config fetched', async ({ profile, backend }) => {
  const root = fixtureApp();
  try {
    const outDir = await buildApp(root, CONFIG);
    // Served at the backend's root, as the app's own host would: the page, its assets, the worker, the register script.
    cpSync(join(outDir, 'index.html'), join(backend.staticDir, 'vite-app.html'));
    for (const name of readdirSync(outDir).filter((entry) => entry !== 'index.html')) cpSync(join(outDir, name), join(backend.staticDir, name), { recursive: true });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  await backend.control({ rotation: true, reuseDetection: true });
  const tabs = await openControlledTabs(profile, backend, 2, 'vite-app.html');
  expect(await tabs[0]!.evaluate(() => document.querySelector('#app')?.textContent)).toBe('built by vite');
  // The worker installed from the config inside it: no config file was asked for.
  expect((await backend.stats()).configRequests).toBe(0);
  await logIn(tabs[0]!);
  await backend.expireAccessTokens();
  await backend.resetCounters();

  const statuses = (await Promise.all(tabs.map((tab) => fireBurst(tab, 10)))).flat();
  const stats = await backend.stats();
  console.log(`vite plugin app, ${profile.engine}: ${stats.refreshRequests} refresh, ${count(statuses, 200)}/${statuses.length} succeeded, ${stats.api401} 401s on the wire`);
  expect(stats.api401Expired).toBeGreaterThan(0);
  expect(stats.refreshRequests).toBe(1);
  expect(stats.refreshSucceeded).toBe(1);
  expect(stats.reuseDetected).toBe(0);
  expect(count(statuses, 200)).toBe(20);
});
