// The cheapest worker that still answers every fetch: the baseline the broker's cost is
// measured against (a worker's own cost is paid by any site that has one).
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (event) => event.respondWith(fetch(event.request)));
