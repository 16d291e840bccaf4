// Serves the built demo (dist/) with no-cache, so a rebuilt worker or page is picked up at once.
// index.html is the one file rewritten: the demo's broker switch is a cookie, and with
// demo_broker=off the page is served without its register script, as an app without the broker.
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import type { Context, Hono } from 'hono';
import { BROKER_SWITCH_COOKIE, readCookie } from './cookies.ts';
import type { DemoCounters } from './counters.ts';
import type { DemoEnv } from './state.ts';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};
const REGISTER_SCRIPT_MARKER = 'token-broker-register.js';

export function registerStaticFiles(app: Hono<DemoEnv>, staticDir: string, counters?: DemoCounters): void {
  const root = resolve(staticDir);
  app.on(['GET', 'HEAD'], '*', async (c) => {
    const file = await findFile(root, c.req.path);
    if (!file) return c.text('Not Found', 404);
    // How often the broker fetched its config: once per install is the contract.
    if (extname(file).toLowerCase() === '.json') counters?.increment('configRequests');
    let body: Uint8Array | string = await readFile(file);
    if (file.endsWith(`${sep}index.html`) && readCookie(c, BROKER_SWITCH_COOKIE) === 'off') {
      body = withoutRegisterScript(Buffer.from(body).toString('utf8'));
    }
    return send(c, body, CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream');
  });
}

export function withoutRegisterScript(html: string): string {
  return html
    .split('\n')
    .filter((line) => !line.includes(REGISTER_SCRIPT_MARKER))
    .join('\n');
}

function send(c: Context<DemoEnv>, body: Uint8Array | string, contentType: string): Response {
  c.header('Content-Type', contentType);
  c.header('Cache-Control', 'no-cache');
  return c.body(typeof body === 'string' ? body : new Uint8Array(body), 200);
}

/** The file a URL path names inside root, index.html for directories; never a path outside root. */
async function findFile(root: string, urlPath: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  let candidate = resolve(root, `.${decoded}`);
  if (candidate !== root && !candidate.startsWith(root + sep)) return undefined;
  try {
    if ((await stat(candidate)).isDirectory()) candidate = resolve(candidate, 'index.html');
    return (await stat(candidate)).isFile() ? candidate : undefined;
  } catch {
    return undefined;
  }
}
