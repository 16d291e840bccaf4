// The package as an adopter gets it: `npm pack`, then `npm install --offline <tarball>` into a
// fresh app in a temp directory (nothing from the network: the package has no dependencies; vite,
// an optional peer, and the type packages are linked from this repo's node_modules). In that app:
// every entry resolves and loads, the types check (defineConfig refuses an unknown key), a Vite
// build with token-broker/vite emits the package's worker with the config built in, and that
// app, served by the test's backend, is brokered in a browser.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { count, expect, fireBurst, logIn, openControlledTabs, test } from './fixtures.ts';

const CONFIG = { preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' } };

const APP_FILES: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'fresh-app', private: true, type: 'module' }),
  'index.html': `<!doctype html><html><head><meta charset="utf-8"><title>fresh app</title></head>
<body><p id="app"></p><script type="module" src="/main.js"></script></body></html>`,
  'main.js': `document.querySelector('#app').textContent = 'a fresh app';\n`,
  // What an adopter's vite.config.ts does, through Vite's JS API.
  'build.mjs': `import { build } from 'vite';
import { tokenBroker } from 'token-broker/vite';
await build({ configFile: false, logLevel: 'silent', plugins: [tokenBroker(${JSON.stringify(CONFIG)})] });
`,
  // Every entry loads in Node (the worker entries touch the worker's scope only when called).
  'load.mjs': `import { createRequire } from 'node:module';
const loaded = {
  root: Object.keys(await import('token-broker')),
  worker: Object.keys(await import('token-broker/worker')),
  vite: Object.keys(await import('token-broker/vite')),
};
const require = createRequire(import.meta.url);
for (const file of ['token-broker/token-broker-sw.js', 'token-broker/token-broker-register.js', 'token-broker/token-broker-worker.classic.js', 'token-broker/schema.json']) {
  loaded[file] = require.resolve(file).replace(process.cwd(), '.');
}
console.log(JSON.stringify(loaded));
`,
  'config.ts': `import { defineConfig, type TokenBrokerOptions } from 'token-broker';
import { tokenBroker } from 'token-broker/vite';
export const config = defineConfig({ preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' } });
const typed: TokenBrokerOptions = config;
export const plugin = tokenBroker(typed);
// @ts-expect-error a misspelled key is a type error
defineConfig({ api: ['/api/'], refresh: { url: '/token/refresh' }, refreshTimeoutMS: 5000 });
// @ts-expect-error a wrong value type is a type error
defineConfig({ api: ['/api/'], refresh: { url: '/token/refresh', method: 'DELETE' } });
export const bearer = defineConfig({ api: ['https://api.example.com/v1/'], oauth: { tokenEndpoint: 'https://auth.example.com/oauth/token' } });
export const bearerPlugin = tokenBroker(bearer);
// @ts-expect-error a misspelled bearer key is a type error
defineConfig({ api: ['/api/'], oauth: { tokenEndpiont: 'https://auth.example.com/oauth/token' } });
// @ts-expect-error a key of another mode is a type error
defineConfig({ api: ['/api/'], json: { refreshUrl: '/auth/refresh' }, learnLifetime: true });
`,
  'sw.ts': `/// <reference lib="webworker" />
import { createTokenBrokerHandler, installTokenBroker } from 'token-broker/worker';
installTokenBroker({ preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' } });
const handler = createTokenBrokerHandler({ api: ['/api/'], refresh: { url: '/token/refresh' } });
declare const self: ServiceWorkerGlobalScope;
self.addEventListener('fetch', (event) => { if (!handler.handleFetch(event)) event.respondWith(fetch(event.request)); });
`,
  'tsconfig.json': JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler', strict: true, noEmit: true, skipLibCheck: false, lib: ['ES2022', 'DOM'], types: ['node'] }, files: ['config.ts'] }),
  'tsconfig.worker.json': JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler', strict: true, noEmit: true, skipLibCheck: false, lib: ['ES2022', 'WebWorker'], types: [] }, files: ['sw.ts'] }),
};

/** Runs a command in `cwd`; a failure says what the command printed. */
function run(command: string, args: readonly string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${[command, ...args].join(' ')} failed in the fresh app:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

/** A fresh app with the packed package installed from its tarball, offline. */
function freshAppWithPackage(): { app: string; cleanUp: () => void } {
  const scratch = mkdtempSync(join(tmpdir(), 'token-broker-pack-'));
  const app = join(scratch, 'app');
  mkdirSync(app);
  for (const [name, text] of Object.entries(APP_FILES)) writeFileSync(join(app, name), text);
  const packed = run('npm', ['pack', '--silent', '--pack-destination', scratch], resolve('.')).trim().split('\n').at(-1)!;
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(scratch, packed)], app);
  // The optional peer and the type packages, as the adopter's own devDependencies would be.
  for (const name of ['vite', '@types/node']) {
    mkdirSync(join(app, 'node_modules', name, '..'), { recursive: true });
    symlinkSync(resolve('node_modules', name), join(app, 'node_modules', name));
  }
  return { app, cleanUp: () => rmSync(scratch, { recursive: true, force: true }) };
}

test.describe.configure({ timeout: 180_000 });
// A copy of dist the test may add the fresh app's build to.
test.use({ backendFiles: { 'fresh-app/.keep': '' } });

test('npm pack output installs offline into a fresh app: every entry loads, the types check, and the app built with it is brokered (one refresh, every request succeeds)', async ({ profile, backend }) => {
  const { app, cleanUp } = freshAppWithPackage();
  try {
    // The package brought nothing else with it.
    expect(readdirSync(join(app, 'node_modules')).sort()).toEqual(['.package-lock.json', '@types', 'token-broker', 'vite']);

    const loaded = JSON.parse(run(process.execPath, ['load.mjs'], app)) as Record<string, unknown>;
    expect(loaded.root).toEqual(['defineConfig']);
    expect(loaded.worker).toEqual(expect.arrayContaining(['installTokenBroker', 'createTokenBrokerHandler', 'defineConfig', 'TokenBrokerError']));
    expect(loaded.vite).toEqual(expect.arrayContaining(['tokenBroker', 'defineConfig']));
    expect(loaded['token-broker/token-broker-sw.js']).toBe('./node_modules/token-broker/dist/token-broker-sw.js');
    expect(loaded['token-broker/schema.json']).toBe('./node_modules/token-broker/schema/token-broker.schema.json');

    // The declarations, as the adopter's TypeScript reads them (skipLibCheck off: the .d.ts files themselves are checked).
    const tsc = resolve('node_modules/typescript/bin/tsc');
    for (const project of ['tsconfig.json', 'tsconfig.worker.json']) {
      run(process.execPath, [tsc, '-p', project], app);
    }

    run(process.execPath, ['build.mjs'], app);
    const outDir = join(app, 'dist');
    const worker = readFileSync(join(outDir, 'token-broker-sw.js'), 'utf8');
    expect(worker).toBe(`self.__TOKEN_BROKER_CONFIG__ = ${JSON.stringify(CONFIG)};\n${readFileSync(join(app, 'node_modules/token-broker/dist/token-broker-sw.js'), 'utf8')}`);
    cpSync(join(outDir, 'index.html'), join(backend.staticDir, 'fresh-app.html'));
    for (const name of readdirSync(outDir).filter((entry) => entry !== 'index.html')) cpSync(join(outDir, name), join(backend.staticDir, name), { recursive: true });
  } finally {
    cleanUp();
  }

  await backend.control({ rotation: true, reuseDetection: true });
  const tabs = await openControlledTabs(profile, backend, 2, 'fresh-app.html');
  expect(await tabs[0]!.evaluate(() => document.querySelector('#app')?.textContent)).toBe('a fresh app');
  await logIn(tabs[0]!);
  await backend.expireAccessTokens();
  await backend.resetCounters();
  const statuses = (await Promise.all(tabs.map((tab) => fireBurst(tab, 10)))).flat();
  const stats = await backend.stats();
  console.log(`packed package, ${profile.engine}: ${stats.refreshRequests} refresh, ${count(statuses, 200)}/${statuses.length} succeeded`);
  expect(stats.api401Expired).toBeGreaterThan(0);
  expect(stats.refreshRequests).toBe(1);
  expect(stats.reuseDetected).toBe(0);
  expect(count(statuses, 200)).toBe(20);
});
