// The demo backend as the browser tests see it: a real server on a loopback port, driven and
// read through its own control routes. Its counters are the ground truth of every test.

import { startDemoServer, type StartDemoServerOptions } from '../../src/server/start.ts';
import { ControlledBackend, servedDirectory } from './backend-control.ts';
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

export class DemoServer extends ControlledBackend implements TestBackend {
  readonly kind = 'demo';
  protected readonly label = 'demo server';
  readonly url: string;
  /** The directory served: a test's own copy when it asked for extra files, so it may change them. */
  readonly staticDir: string;
  readonly #close: () => Promise<void>;

  private constructor(url: string, staticDir: string, close: () => Promise<void>) {
    super();
    this.url = url;
    this.staticDir = staticDir;
    this.#close = close;
  }

  static async start(options: DemoServerOptions = {}): Promise<DemoServer> {
    const { files, ...serverOptions } = options;
    const { staticDir, cleanUp } = servedDirectory(files, 'token-broker-e2e-');
    const running = await startDemoServer({ port: 0, staticDir, accessTtlSeconds: 600, ...serverOptions });
    return new DemoServer(running.url, staticDir, async () => {
      await running.close();
      cleanUp();
    });
  }

  close(): Promise<void> {
    return this.#close();
  }
}
