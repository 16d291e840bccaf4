// An nginx stand-in for the examples: a plain static server (sirv, the library behind sirv-cli)
// for a directory, with the backend's routes proxied as nginx's `location /api/ { proxy_pass }`
// would: the page, the worker and the API on one origin, as most deployments have them.

import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sirv from 'sirv';

/** What the examples proxy to the backend: its API, its session routes, the tests' control routes. */
export const BACKEND_PREFIXES: readonly string[] = ['/api/', '/token/', '/login', '/logout', '/__demo/'];

export interface StaticSite {
  /** Ends with "/". */
  readonly url: string;
  close(): Promise<void>;
}

export async function startStaticSite(directory: string, backendUrl: string, prefixes = BACKEND_PREFIXES): Promise<StaticSite> {
  // dev: no caching, so a changed file is served at once; single: false, a missing file is a 404.
  const serveFile = sirv(directory, { dev: true, etag: false });
  const backend = new URL(backendUrl);
  const server = createServer((req, res) => {
    if (prefixes.some((prefix) => req.url?.startsWith(prefix))) proxy(req, res, backend);
    else serveFile(req, res, () => {
      res.statusCode = 404;
      res.end('Not Found');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

function proxy(req: IncomingMessage, res: ServerResponse, backend: URL): void {
  const upstream = httpRequest({
    host: backend.hostname,
    port: backend.port,
    method: req.method,
    path: req.url,
    headers: { ...req.headers, host: backend.host },
  }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(upstream);
}
