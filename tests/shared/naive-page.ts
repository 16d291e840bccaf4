// What a naive app does in a tab, as functions handed to page.evaluate by both browser suites
// (Playwright in Chromium, puppeteer in Firefox). Each runs in the page, so each is
// self-contained: no imports, no closures over test code.

/** Logs in as the app would: the server sets the JWT and CSRF cookies. Returns the status. */
export async function logInInPage(username: string): Promise<number> {
  const response = await fetch('/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username }),
  });
  return response.status;
}

/**
 * Fires `count` requests at once: GETs with fetch, POSTs with fetch and a JSON body, PUTs with
 * XHR; the CSRF header read from document.cookie as a flask front end does. Returns each
 * request's status as the page saw it (0: the request failed or was aborted).
 */
export async function burstInPage(count: number): Promise<number[]> {
  const csrf = () => document.cookie.split('; ').find((c) => c.startsWith('csrf_access_token='))?.slice('csrf_access_token='.length) ?? '';
  const one = (i: number): Promise<number> => {
    const failed = () => 0;
    if (i % 3 === 0) return fetch(`/api/items?n=${i % 7}`).then((r) => r.status, failed);
    if (i % 3 === 1) {
      return fetch('/api/echo', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'X-CSRF-TOKEN': csrf() },
        body: JSON.stringify({ request: i }),
      }).then((r) => r.status, failed);
    }
    return new Promise<number>((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open('PUT', '/api/echo');
      xhr.setRequestHeader('X-CSRF-TOKEN', csrf());
      xhr.onloadend = () => resolve(xhr.status);
      xhr.send(`xhr body ${i}`);
    });
  };
  const startedMs = performance.now();
  const statuses = await Promise.all(Array.from({ length: count }, (_, i) => one(i)));
  // How long the burst took, measured in the page (without the driver's own overhead): see lastBurstMsInPage.
  (window as unknown as { lastBurstMs: number }).lastBurstMs = performance.now() - startedMs;
  return statuses;
}

/** How long the tab's last burstInPage took, from its first request to its last answer, in ms. */
export function lastBurstMsInPage(): number {
  return (window as unknown as { lastBurstMs: number }).lastBurstMs;
}

/** What /api/echo says about the body it received. */
export interface BodyEcho {
  method: string;
  contentType: string | null;
  length: number;
  sha256: string;
  parts?: { name: string; filename?: string; size: number; sha256: string }[];
}

export interface BodyResult {
  kind: string;
  method: string;
  /** The content type the page's body implies (null: none). */
  type: string | null;
  /** SHA-256 of the bytes the page meant to send (for FormData: of the file part). */
  expected: string;
  status: number;
  echo: BodyEcho;
}

/**
 * Sends one body of each kind (JSON, text, Blob, ArrayBuffer, URLSearchParams, FormData with a
 * file), each alone right after expiring every access token, so that each meets its 401 and is
 * replayed. Returns what the server says it received, with the hash of what was meant.
 */
export async function sendEveryBodyKindInPage(): Promise<BodyResult[]> {
  const hex = async (data: BufferSource) =>
    [...new Uint8Array(await crypto.subtle.digest('SHA-256', data))].map((b) => b.toString(16).padStart(2, '0')).join('');
  const csrf = () => document.cookie.split('; ').find((c) => c.startsWith('csrf_access_token='))!.split('=')[1]!;
  const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31 + 7) % 256);
  const text = 'plain text, ünïcödé ✓\r\n';
  const json = JSON.stringify({ order: 42, note: 'ünï', list: [1, 2, 3] });
  const params = new URLSearchParams({ a: '1', b: 'x y&z=', c: 'ü' });
  const form = new FormData();
  form.append('field', 'value ü');
  form.append('upload', new File([bytes], 'data.bin', { type: 'application/octet-stream' }));

  const cases = [
    { kind: 'json', method: 'POST', body: json, type: 'application/json', expected: await hex(new TextEncoder().encode(json)) },
    { kind: 'text', method: 'PUT', body: text, type: 'text/plain;charset=UTF-8', expected: await hex(new TextEncoder().encode(text)) },
    { kind: 'blob', method: 'PATCH', body: new Blob([bytes], { type: 'image/png' }), type: 'image/png', expected: await hex(bytes) },
    { kind: 'arrayBuffer', method: 'DELETE', body: bytes.buffer, type: null, expected: await hex(bytes) },
    { kind: 'urlSearchParams', method: 'POST', body: params, type: 'application/x-www-form-urlencoded;charset=UTF-8',
      expected: await hex(new TextEncoder().encode(params.toString())) },
    { kind: 'formData', method: 'POST', body: form, type: 'multipart/form-data', expected: await hex(bytes) },
  ] as const;

  const results = [];
  for (const { kind, method, body, type, expected } of cases) {
    await fetch('/__demo/expire', { method: 'POST' });
    const headers: Record<string, string> = { 'X-CSRF-TOKEN': csrf() };
    if (kind === 'json') headers['content-type'] = 'application/json';
    const response = await fetch('/api/echo', { method, body, headers });
    results.push({ kind, method, type, expected, status: response.status, echo: await response.json() as BodyEcho });
  }
  return results;
}

/**
 * While a refresh is in flight (the server holds it), sends two requests that the broker holds,
 * and aborts one of them. Reports how the aborted fetch ended, the status of the other held
 * request, and whether the request that started the refresh had already been answered when the
 * abort ended its fetch (it must not have: the abort did not wait for the refresh).
 */
export async function abortHeldRequestInPage(): Promise<{
  abortOutcome: string; firstStatusWhenAborted: number; firstStatus: number; otherHeldStatus: number;
}> {
  let firstStatus = 0;
  const first = fetch('/api/items').then((r) => { firstStatus = r.status; });
  // Wait until the server is holding the refresh, so that the next requests are held too.
  while (((await (await fetch('/__demo/stats')).json()) as { refreshRequests: number }).refreshRequests < 1) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const other = fetch('/api/items?n=1').then((r) => r.status, () => 0);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 100);
  let abortOutcome = 'answered';
  try {
    await fetch('/api/whoami', { signal: controller.signal });
  } catch (error) {
    abortOutcome = (error as Error).name;
  }
  const firstStatusWhenAborted = firstStatus;
  await first;
  return { abortOutcome, firstStatusWhenAborted, firstStatus, otherHeldStatus: await other };
}

/** POSTs `body` to /api/echo with the CSRF header from document.cookie; the status and JSON answer. */
export async function postEchoInPage(body: string): Promise<{ status: number; body: unknown }> {
  const csrf = document.cookie.split('; ').find((c) => c.startsWith('csrf_access_token='))!.split('=')[1]!;
  const response = await fetch('/api/echo', { method: 'POST', body, headers: { 'X-CSRF-TOKEN': csrf } });
  return { status: response.status, body: await response.json() as unknown };
}

/**
 * Three requests to another origin's /api/ (the configured api's path, not its origin): a GET, a
 * POST with credentials: 'include', a PUT with the page's own X-CSRF-TOKEN. Their statuses.
 */
export async function requestOtherOriginInPage(otherUrl: string): Promise<number[]> {
  const seen: number[] = [];
  seen.push((await fetch(new URL('api/items', otherUrl))).status);
  seen.push((await fetch(new URL('api/echo', otherUrl), { method: 'POST', body: 'x', credentials: 'include' })).status);
  seen.push((await fetch(new URL('api/echo', otherUrl), { method: 'PUT', body: 'y', headers: { 'X-CSRF-TOKEN': 'page-own-value' } })).status);
  return seen;
}
