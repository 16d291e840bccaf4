// A burst that tells the server when it was made: for scenarios that must prove their requests
// were made while the server was holding a refresh (see tests/e2e/server-events.ts). Runs in the
// page, so it is self-contained; the request mix is burstInPage's (naive-page.ts).

/**
 * Fires `count` requests at once as burstInPage does (GET with fetch, POST with fetch and JSON,
 * PUT with XHR), then, every one of them made, POSTs /__demo/mark `{label}` (outside the API: not
 * brokered, straight to the server). Returns each request's status (0: failed or aborted).
 */
export async function markedBurstInPage({ count, label }: { count: number; label: string }): Promise<number[]> {
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
  // Every fetch() and send() above runs before this line: the mark can only come after them.
  const statuses = Promise.all(Array.from({ length: count }, (_, i) => one(i)));
  const marked = await fetch('/__demo/mark', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ label }) });
  if (!marked.ok) throw new Error(`POST /__demo/mark answered ${marked.status}`);
  return statuses;
}
