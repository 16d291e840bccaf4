// The demo backend as the browser tests see it: a real server on a loopback port, driven and
// read through its own control routes. Its counters are the ground truth of every test.

import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoServer, type StartDemoServerOptions } from '../../src/server/start.ts';
import type { BackendControl, BackendStats, TestBackend } from './test-backend.ts';

export interface DemoServerOptions extends Omit<StartDemoServerOptions, 'staticDir'> {
  /** Extra files served beside the built ones (a test's own config, a page using it). */
  files?: Record<string, string>;
}

/** A page like minimal.html whose one tag points at `configPath`. */
export function adopterPage(configPath: string, extraAttributes = ''): string {
  return `<!doctype html><html><head><meta charset="utf-8">
<script src="/token-broker-register.js" data-config="${configPath}"${extraAttributes}></script>
</head><body><p>adopter of ${configPath}</p></body></html>`;
}

/** The server's counters, as GET /__demo/stats returns them. */
export type DemoStats = BackendStats;

export type DemoControl = BackendControl;

export class DemoServer implements TestBackend {
  readonly kind = 'demo';
  readonly url: string;
  /** The directory served: a test's own copy when it asked for extra files, so it may change them. */
  readonly staticDir: string;
  readonly #close: () => Promise<void>;

  private constructor(url: string, staticDir: string, close: () => Promise<void>) {
    this.url = url;
    this.staticDir = staticDir;
    this.#close = close;
  }

  static async start(options: DemoServerOptions = {}): Promise<DemoServer> {
    const { files, ...serverOptions } = options;
    let staticDir = 'dist';
    let cleanUp = () => undefined as void;
    if (files) {
      // The built files plus the test's own, in a directory of this test's.
      staticDir = mkdtempSync(join(tmpdir(), 'token-broker-e2e-'));
      cpSync('dist', staticDir, { recursive: true });
      for (const [name, content] of Object.entries(files)) writeFileSync(join(staticDir, name), content);
      const dir = staticDir;
      cleanUp = () => rmSync(dir, { recursive: true, force: true });
    }
    const running = await startDemoServer({ port: 0, staticDir, accessTtlSeconds: 600, ...serverOptions });
    return new DemoServer(running.url, staticDir, async () => {
      await running.close();
      cleanUp();
    });
  }

  close(): Promise<void> {
    return this.#close();
  }

  async stats(): Promise<DemoStats> {
    return (await this.#call('GET', '__demo/stats')) as DemoStats;
  }

  async control(changes: DemoControl): Promise<void> {
    await this.#call('POST', '__demo/control', changes);
  }

  /** Every access token issued so far is answered 401 "Token has expired" from now on. */
  async expireAccessTokens(): Promise<void> {
    await this.#call('POST', '__demo/expire');
  }

  async resetCounters(): Promise<void> {
    await this.#call('POST', '__demo/reset');
  }

  async #call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(new URL(path, this.url), {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`demo server: ${method} /${path} answered ${response.status}`);
    return response.json();
  }
}
