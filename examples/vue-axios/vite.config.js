import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { tokenBroker } from 'token-broker/vite';

// The backend (flask-jwt-extended) in development; in production the same origin serves both.
const BACKEND = process.env.BACKEND_URL ?? 'http://127.0.0.1:5000';

export default defineConfig({
  plugins: [
    vue(),
    tokenBroker({ preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' } }),
  ],
  server: { proxy: { '/api/': BACKEND, '/token/': BACKEND, '/login': BACKEND } },
});
