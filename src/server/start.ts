// Runs the demo app on a real socket: used by main.ts and by the Playwright tests.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { createDemoApp } from './app.ts';

export interface StartDemoServerOptions {
  /** 0 picks any free port. Default 0. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  staticDir?: string;
  accessTtlSeconds?: number;
  rotation?: boolean;
}

export interface RunningDemoServer {
  /** Ends with "/", e.g. http://127.0.0.1:41234/ */
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startDemoServer(opts: StartDemoServerOptions = {}): Promise<RunningDemoServer> {
  const { port = 0, host = '127.0.0.1', ...appOptions } = opts;
  const demo = createDemoApp(appOptions);
  // overrideGlobalObjects: false keeps the caller's (e.g. the Playwright runner's) global Request/Response intact.
  const server = createAdaptorServer({ fetch: demo.app.fetch, overrideGlobalObjects: false }) as Server;

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(port, host, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

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
