// The demo app on an HTTP/2 origin (TLS, ALPN h2, HTTP/1.1 allowed), with a self-signed
// certificate made at test time by openssl: for the scenarios where HTTP/2 makes a difference (many
// requests at once on one connection). The browser must accept the certificate (the engines'
// profiles do: chromium.ts, firefox.ts). The test reads the server's event log in-process, through
// the app's own fetch, so that no client in the test has to trust the certificate.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createSecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import { createDemoApp, type DemoAppOptions } from '../../src/server/app.ts';
import type { ServerEvent } from '../../src/server/event-log.ts';
import { servedDirectory } from './backend-control.ts';

export interface Http2Origin {
  /** https://127.0.0.1:PORT/ */
  readonly url: string;
  /** The HTTP versions API requests came in with so far ("2.0", "1.1"). */
  apiHttpVersions(): string[];
  /** The server's event log, in order (see server-events.ts). */
  events(): Promise<ServerEvent[]>;
  close(): Promise<void>;
}

function selfSignedCertificate(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'token-broker-h2-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startHttp2Origin(files?: Record<string, string>, appOptions: Omit<DemoAppOptions, 'staticDir'> = {}): Promise<Http2Origin> {
  const { staticDir, cleanUp } = servedDirectory(files, 'token-broker-h2-site-');
  const demo = createDemoApp({ ...appOptions, staticDir });
  const server = createAdaptorServer({
    fetch: demo.app.fetch,
    overrideGlobalObjects: false,
    createServer: createSecureServer,
    serverOptions: { ...selfSignedCertificate(), allowHTTP1: true },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const sessions = new Set<{ destroy(): void }>();
  const apiHttpVersions = new Set<string>();
  server.on('request', (request: { httpVersion: string; url?: string }) => {
    if (request.url?.startsWith('/api/')) apiHttpVersions.add(request.httpVersion);
  });
  server.on('session', (session: { destroy(): void }) => sessions.add(session));
  return {
    url: `https://127.0.0.1:${port}/`,
    apiHttpVersions: () => [...apiHttpVersions],
    async events() {
      const response = await demo.app.fetch(new Request('https://127.0.0.1/__demo/events'));
      return ((await response.json()) as { events: ServerEvent[] }).events;
    },
    close() {
      demo.shutdown(); // slow answers end now
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Open HTTP/2 sessions keep close() waiting for the browser: end them.
        for (const session of sessions) session.destroy();
        cleanUp();
      });
    },
  };
}
