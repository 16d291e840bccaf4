// The page helper (dist/token-broker-page.js), an ES module of its own: built apart from
// vite.config.ts so that nothing it shares with the register script (a classic script) becomes
// a chunk that script would have to import.

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const projectRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  publicDir: false,
  build: {
    outDir: `${projectRoot}dist`,
    emptyOutDir: false,
    lib: {
      entry: `${projectRoot}src/page/token-broker-page.ts`,
      formats: ['es'],
      fileName: () => 'token-broker-page.js',
    },
  },
});
