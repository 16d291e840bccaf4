// The served directory (a copy of dist/ plus the benchmark's pages and vendored browser builds)
// and the demo server that serves it, steered through its /__demo/ routes.

import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CounterSnapshot } from '../src/server/counters.ts';
import { startDemoServer } from '../src/server/start.ts';
import { brokerConfigFiles } from './broker-configs.ts';
import { allStrategyPages } from './strategies.ts';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const PROJECT_DIR = join(BENCH_DIR, '..');
/** Long enough that nothing expires unless a workload says so. */
export const DEFAULT_ACCESS_TTL_SECONDS = 600;
const CONTROL_TIMEOUT_MS = 10_000;

/** The demo server's counters, as GET /__demo/stats returns them. */
export type ServerStats = CounterSnapshot;

/** What POST /__demo/control accepts; cookieMaxAge only on servers that have it. */
export interface ServerControl {
  rotation?: boolean;
  reuseDetection?: boolean;
  accessTtlSeconds?: number;
  refreshDelayMs?: number;
  /** 'token-lifetime': the app passes max_age, so the cookies expire with their tokens. */
  cookieMaxAge?: 'flask-default' | 'token-lifetime';
}

/** How many of each kind of static asset a page-load page has: styles, scripts, images. */
export const ASSETS_PER_KIND = 10;

// The pages of the cost figures (costs.ts): the same timing script (pages/overhead.js) and 30
// static assets, with no worker (run in a profile that blocks workers), with the pass-through
// worker, and with the broker's one tag.
const PAGE_LOAD_PAGES: Record<string, string> = {
  'bench/load-plain.html': pageLoadPage(''),
  'bench/load-passthrough.html': pageLoadPage(
    `<script>navigator.serviceWorker.register('/bench/passthrough-sw.js', { scope: '/bench/' });</script>`),
  'bench/load-broker.html': pageLoadPage('<script src="/token-broker-register.js" data-config="/token-broker.json"></script>'),
};

// The cold start's parts (cold-start.ts): a pass-through worker that first reads IndexedDB, as the
// broker does at start, and the broker with its config built in (no config read), as the Vite
// plugin builds it. The same config as dist/token-broker.json.
const BENCH_BROKER_CONFIG = { preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' } };
const COLD_START_FILES: Record<string, string> = {
  'bench/cold-idb.html': pageLoadPage(
    `<script>navigator.serviceWorker.register('/bench/passthrough-idb-sw.js', { scope: '/bench/' });</script>`),
  'bench/cold-builtin.html': pageLoadPage(
    `<script>navigator.serviceWorker.register('/bench/broker-builtin-sw.js', { scope: '/bench/' });</script>`),
  'bench/broker-builtin-sw.js': `self.__TOKEN_BROKER_CONFIG__ = ${JSON.stringify(BENCH_BROKER_CONFIG)};\nimportScripts('/token-broker-sw.js');\n`,
  // The broker loaded and started, but every fetch answered by a pass-through listener added
  // before it, which stops the event there: the broker's start without its request path.
  'bench/cold-script.html': pageLoadPage(
    `<script>navigator.serviceWorker.register('/bench/passthrough-broker-script-sw.js', { scope: '/bench/' });</script>`),
  'bench/passthrough-broker-script-sw.js': [
    'self.addEventListener(\'fetch\', (event) => { event.stopImmediatePropagation(); event.respondWith(fetch(event.request)); });',
    `self.__TOKEN_BROKER_CONFIG__ = ${JSON.stringify(BENCH_BROKER_CONFIG)};`,
    'importScripts(\'/token-broker-sw.js\');',
    '',
  ].join('\n'),
};

function pageLoadPage(workerTag: string): string {
  const indexes = Array.from({ length: ASSETS_PER_KIND }, (_, i) => i);
  return `<!doctype html><html><head><meta charset="utf-8"><title>bench: page load</title>
${workerTag}<script src="/bench/pages/overhead.js"></script>
${indexes.map((i) => `<link rel="stylesheet" href="/bench/assets/style-${i}.css">`).join('\n')}
${indexes.map((i) => `<script src="/bench/assets/script-${i}.js"></script>`).join('\n')}
</head><body>${indexes.map((i) => `<img src="/bench/assets/image-${i}.svg" width="8" height="8">`).join('')}</body></html>`;
}

function assetFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  // A few hundred bytes each, as small icons and split chunks are: the cost measured is per request.
  const filler = 'x'.repeat(400);
  for (let i = 0; i < ASSETS_PER_KIND; i += 1) {
    files[`bench/assets/style-${i}.css`] = `.asset-${i} { color: #${(i * 111111).toString(16).padStart(6, '0').slice(0, 6)}; } /* ${filler} */\n`;
    files[`bench/assets/script-${i}.js`] = `window.benchAssets = (window.benchAssets || 0) + 1; // ${filler}\n`;
    files[`bench/assets/image-${i}.svg`] = `<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="${i % 8 + 1}"/><!-- ${filler} --></svg>\n`;
  }
  return files;
}

/** The benchmark's own files of the served directory, by path: what another origin (HTTP/2) serves too. */
export function benchSiteFiles(): Record<string, string> {
  return { ...allStrategyPages(), ...PAGE_LOAD_PAGES, ...COLD_START_FILES, ...assetFiles(), ...brokerConfigFiles() };
}

/** Copies dist/ and the benchmark's files into a fresh temp directory; returns it. */
export function prepareSiteDirectory(): string {
  const dir = mkdtempSync(join(tmpdir(), 'token-broker-bench-'));
  cpSync(join(PROJECT_DIR, 'dist'), dir, { recursive: true });
  cpSync(join(BENCH_DIR, 'pages'), join(dir, 'bench/pages'), { recursive: true });
  cpSync(join(BENCH_DIR, 'passthrough-sw.js'), join(dir, 'bench/passthrough-sw.js'));
  cpSync(join(BENCH_DIR, 'passthrough-idb-sw.js'), join(dir, 'bench/passthrough-idb-sw.js'));
  mkdirSync(join(dir, 'bench/vendor'), { recursive: true });
  cpSync(join(PROJECT_DIR, 'node_modules/axios/dist/esm/axios.min.js'), join(dir, 'bench/vendor/axios.js'));
  cpSync(join(PROJECT_DIR, 'node_modules/axios-auth-refresh/dist/index.esm.js'), join(dir, 'bench/vendor/axios-auth-refresh.js'));
  for (const [path, content] of Object.entries(benchSiteFiles())) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

export class BenchServer {
  readonly url: string;
  readonly #close: () => Promise<void>;

  private constructor(url: string, close: () => Promise<void>) {
    this.url = url;
    this.#close = close;
  }

  static async start(): Promise<BenchServer> {
    const dir = prepareSiteDirectory();
    const running = await startDemoServer({ host: '127.0.0.1', port: 0, staticDir: dir, accessTtlSeconds: DEFAULT_ACCESS_TTL_SECONDS });
    return new BenchServer(running.url, async () => {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    });
  }

  close(): Promise<void> {
    return this.#close();
  }

  async stats(): Promise<ServerStats> {
    return (await this.#call('GET', '__demo/stats')) as ServerStats;
  }

  async resetCounters(): Promise<void> {
    await this.#call('POST', '__demo/reset');
  }

  /** Every access token issued so far is answered 401 "Token has expired" from now on. */
  async expireAccessTokens(): Promise<void> {
    await this.#call('POST', '__demo/expire');
  }

  async control(changes: ServerControl): Promise<void> {
    await this.#call('POST', '__demo/control', changes);
  }

  /** Like control(), but says false instead of throwing when the server refuses the change. */
  async tryControl(changes: ServerControl): Promise<boolean> {
    try {
      await this.control(changes);
      return true;
    } catch {
      return false;
    }
  }

  async #call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(new URL(path, this.url), {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(CONTROL_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`demo server: ${method} /${path} answered ${response.status}`);
    return response.json();
  }
}
