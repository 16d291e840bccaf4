// A second local origin (another host name for loopback) that records what reaches it: the ground truth for "credentials go only
// to the origins configured for them". It answers CORS for the page's origin, with credentials.

import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export interface RecordingOrigin {
  url: string;
  received: RecordedRequest[];
  close(): Promise<void>;
}

export async function startRecordingOrigin(allowedOrigin: string): Promise<RecordingOrigin> {
  const received: RecordedRequest[] = [];
  const server = createServer((request, response) => {
    if (request.method !== 'OPTIONS') received.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers });
    response.setHeader('Access-Control-Allow-Origin', allowedOrigin);
    response.setHeader('Access-Control-Allow-Credentials', 'true');
    response.setHeader('Access-Control-Allow-Headers', 'content-type, x-csrf-token, authorization');
    response.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE');
    // Always "expired": if the broker took these requests, it would refresh for them.
    response.statusCode = request.method === 'OPTIONS' ? 204 : 401;
    response.setHeader('content-type', 'application/json');
    response.end(request.method === 'OPTIONS' ? '' : JSON.stringify({ msg: 'Token has expired' }));
    request.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    // "localhost", not 127.0.0.1: cookies ignore ports, so another port of the demo's host would
    // receive the demo's cookies from the browser itself (with credentials: 'include'), broker or not.
    url: `http://localhost:${port}/`,
    received,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
