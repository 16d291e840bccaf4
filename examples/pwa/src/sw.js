// The app's own service worker (vite-plugin-pwa, injectManifest): precaching, plus the broker.
import { installTokenBroker } from 'token-broker/worker';
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, precacheAndRoute } from 'workbox-precaching';

// First, before the app's own routes: the broker answers the API's requests and stops them there.
installTokenBroker({ preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' } });

cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST);
self.skipWaiting();
clientsClaim();
