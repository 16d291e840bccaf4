// The pass-through worker (passthrough-sw.js), plus what every broker start does before its first
// answer: open an IndexedDB database and read one key from it. Against the plain pass-through
// worker it weighs that part of the broker's cold start (cold-start.ts).
const firstRead = new Promise((resolve) => {
  const opening = indexedDB.open('bench-cold-start', 1);
  opening.onupgradeneeded = () => opening.result.createObjectStore('state');
  opening.onerror = () => resolve();
  opening.onsuccess = () => {
    const reading = opening.result.transaction('state').objectStore('state').get('generation');
    reading.onsuccess = () => resolve();
    reading.onerror = () => resolve();
  };
});
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (event) => event.respondWith(firstRead.then(() => fetch(event.request))));
