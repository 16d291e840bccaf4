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
  return Promise.all(Array.from({ length: count }, (_, i) => one(i)));
}
