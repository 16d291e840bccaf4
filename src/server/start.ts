// Runs the demo app on a real socket: used by main.ts and by the Playwright tests.
// One node listener: requests under /oidc go to the OIDC provider (a Koa app of its own, which
// wants node's request and response), everything else to the Hono app.
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { createDemoApp } from './app.ts';
import { OidcDeployment } from './bearer/oidc-deployment.ts';

export interface StartDemoServerOptions {
  /** 0 picks any free port. Default 0. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The host name the demo is opened at ("localhost" for npm start): the OIDC issuer's. Default: host. */
  publicHost?: string;
  staticDir?: string;
  accessTtlSeconds?: number;
  rotation?: boolean;
  /** Lifetime of the bearer-mode access tokens; default 10 s. */
  bearerAccessTtlSeconds?: number;
  /** Tests only: keep every bearer token value issued, readable at GET /__demo/bearer/issued. */
  recordIssuedTokens?: boolean;
}

export interface RunningDemoServer {
  /** Ends with "/", e.g. http://127.0.0.1:41234/ */
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startDemoServer(opts: StartDemoServerOptions = {}): Promise<RunningDemoServer> {
  const { port = 0, host = '127.0.0.1', publicHost, ...appOptions } = opts;
  const demo = createDemoApp(appOptions);
  // overrideGlobalObjects: false keeps the caller's (e.g. the Playwright runner's) global Request/Response intact.
  const honoListener = getRequestListener(demo.app.fetch, { overrideGlobalObjects: false });
  const server = createServer((req, res) => {
    const oidc = demo.bearer.oidc;
    if (oidc && OidcDeployment.owns(req.url)) {
      oidc.handle(req, res).catch(() => {
        // Never echo request data: the provider's own errors are answered inside handle.
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"error":"server_error"}');
      });
      return;
    }
    void honoListener(req, res);
  });

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(port, host, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const origins = [...new Set([publicHost ?? urlHost, urlHost, 'localhost', '127.0.0.1'])].map((name) => `http://${name}:${actualPort}`);
  await demo.bearer.startOidc(origins);

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${actualPort}/`,
    port: actualPort,
    close() {
      closing ??= new Promise<void>((resolveClose) => {
        demo.shutdown(); // held refreshes drop their sockets, slow answers end
        server.close(() => resolveClose());
        server.closeAllConnections(); // keep-alive and in-flight sockets: do not wait for the browser
      });
      return closing;
    },
  };
}
