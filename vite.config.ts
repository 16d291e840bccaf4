// One build for the three things in dist/: the worker (token-broker-sw.js, a classic script with
// no imports, built from src/sw by vite-plugin-pwa), the register script, and the demo app.

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const REGISTER_ENTRY = 'token-broker-register';
const projectRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: 'src/app',
  publicDir: 'public',
  build: {
    outDir: `${projectRoot}dist`,
    emptyOutDir: true,
    rollupOptions: {
      input: {
        demo: `${projectRoot}src/app/index.html`,
        bearer: `${projectRoot}src/app/bearer/index.html`,
        [REGISTER_ENTRY]: `${projectRoot}src/register/token-broker-register.ts`,
      },
      output: {
        // The register script is served at a fixed URL; the demo's own files get hashed names.
        entryFileNames: (chunk) => (chunk.name === REGISTER_ENTRY ? '[name].js' : 'assets/[name]-[hash].js'),
        // The register script is a classic script: wrapped so that it adds no global to the page.
        banner: (chunk) => (chunk.name === REGISTER_ENTRY ? '(() => {' : ''),
        footer: (chunk) => (chunk.name === REGISTER_ENTRY ? '})();' : ''),
      },
    },
  },
  plugins: [
    VitePWA({
      strategies: 'injectManifest',
      srcDir: `${projectRoot}src/sw`,
      filename: 'token-broker-sw.ts',
      injectRegister: false,
      manifest: false,
      injectManifest: {
        // The broker precaches nothing: no manifest to inject.
        injectionPoint: undefined,
        rollupFormat: 'iife',
      },
      devOptions: { enabled: false },
    }),
  ],
});
