// The package's entries beside what vite.config.ts builds (the standalone worker, the register
// script, the demo): each bundled on its own, with nothing imported at run time, so the package
// has no runtime dependencies. Run after `vite build` (it empties dist/).

import { readFileSync, writeFileSync } from 'node:fs';
import { build } from 'vite';

const ENTRIES = [
  // token-broker: defineConfig, for code that writes a config.
  { entry: 'src/index.ts', fileName: 'index.js', format: 'es' },
  // token-broker/worker: an ES module for a worker of the app's own; the app's bundler takes it in.
  { entry: 'src/sw/token-broker-worker.ts', fileName: 'worker.js', format: 'es' },
  // For classic workers: importScripts('/token-broker-worker.classic.js'), then self.TokenBroker.
  { entry: 'src/sw/token-broker-worker-classic.ts', fileName: 'token-broker-worker.classic.js', format: 'iife' },
  // token-broker/vite: runs in Node inside the app's Vite; reads the worker and the register script beside it.
  { entry: 'src/vite/token-broker-plugin.ts', fileName: 'vite.js', format: 'es', ssr: true, external: ['vite', /^node:/] },
  // token-broker/page: the optional page helper, an ES module for the app's own code.
  { entry: 'src/page/token-broker-page.ts', fileName: 'token-broker-page.js', format: 'es' },
];

for (const { entry, fileName, format, external = [], ssr = false } of ENTRIES) {
  await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      outDir: 'dist',
      emptyOutDir: false,
      copyPublicDir: false,
      target: 'es2022',
      minify: true,
      ssr,
      lib: { entry, formats: [format], fileName: () => fileName, name: 'TokenBrokerEntry' },
      rollupOptions: { external, output: { entryFileNames: fileName } },
    },
  });
  // The bundler marks each module with its path; a dependency's path would name this machine's layout.
  const file = `dist/${fileName}`;
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^\/\/ \S*node_modules\//gm, '// '));
}
