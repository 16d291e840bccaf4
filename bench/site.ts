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

// The overhead pages: the same timing script, with no worker (run in a context that blocks
// workers), with the pass-through worker, and with the broker's one tag.
const OVERHEAD_PAGES: Record<string, string> = {
  'bench/overhead-plain.html': overheadPage(''),
  'bench/overhead-passthrough.html': overheadPage(
    `<script>navigator.serviceWorker.register('/bench/passthrough-sw.js', { scope: '/bench/' });</script>`),
  'bench/overhead-broker.html': overheadPage('<script src="/token-broker-register.js" data-config="/token-broker.json"></script>'),
};

function overheadPage(workerTag: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>bench: overhead</title>
${workerTag}<script src="/bench/pages/overhead.js"></script></head><body></body></html>`;
}

/** Copies dist/ and the benchmark's files into a fresh temp directory; returns it. */
export function prepareSiteDirectory(): string {
  const dir = mkdtempSync(join(tmpdir(), 'token-broker-bench-'));
  cpSync(join(PROJECT_DIR, 'dist'), dir, { recursive: true });
  cpSync(join(BENCH_DIR, 'pages'), join(dir, 'bench/pages'), { recursive: true });
  cpSync(join(BENCH_DIR, 'passthrough-sw.js'), join(dir, 'bench/passthrough-sw.js'));
  mkdirSync(join(dir, 'bench/vendor'), { recursive: true });
  cpSync(join(PROJECT_DIR, 'node_modules/axios/dist/esm/axios.min.js'), join(dir, 'bench/vendor/axios.js'));
  cpSync(join(PROJECT_DIR, 'node_modules/axios-auth-refresh/dist/index.esm.js'), join(dir, 'bench/vendor/axios-auth-refresh.js'));
  const files: Record<string, string> = { ...allStrategyPages(), ...OVERHEAD_PAGES, ...brokerConfigFiles() };
  for (const [path, content] of Object.entries(files)) writeFileSync(join(dir, path), content);
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
