// What each file of the package weighs, raw and gzipped (level 9, as servers commonly send it).
// Run after `npm run build`: node scripts/package-weight.mjs
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const FILES = [
  ['standalone worker', 'dist/token-broker-sw.js'],
  ['register script', 'dist/token-broker-register.js'],
  ['token-broker/worker (ES module)', 'dist/worker.js'],
  ['classic worker build', 'dist/token-broker-worker.classic.js'],
  ['token-broker/vite (Node)', 'dist/vite.js'],
  ['token-broker (defineConfig)', 'dist/index.js'],
  ['token-broker/page', 'dist/token-broker-page.js'],
  ['config schema', 'schema/token-broker.schema.json'],
];

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
console.log('| file | raw | gzip |\n|---|---:|---:|');
for (const [what, file] of FILES) {
  let bytes;
  try {
    bytes = readFileSync(file);
  } catch {
    continue; // an entry this checkout does not build
  }
  console.log(`| ${what} (\`${file}\`) | ${kb(bytes.length)} | ${kb(gzipSync(bytes, { level: 9 }).length)} |`);
}
