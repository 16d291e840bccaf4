// `npm run test:firefox`: the core end-to-end scenarios in Firefox ESR (tests/firefox), run by
// node's own test runner, one file at a time (each test starts its own Firefox). Where there is
// no Firefox it says so in one line and exits 0, so that `npm test` still runs everywhere.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const firefox = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
if (!existsSync(firefox)) {
  console.log(`test:firefox: skipped, no Firefox at ${firefox} (install firefox-esr or set FIREFOX_PATH)`);
  process.exit(0);
}
// The tests drive the BUILT worker, as the Chromium ones do.
if (!existsSync('dist/token-broker-sw.js')) {
  console.error('test:firefox: dist/token-broker-sw.js is missing; run `npm run build` first');
  process.exit(1);
}

const files = readdirSync('tests/firefox').filter((name) => name.endsWith('.test.ts')).sort().map((name) => `tests/firefox/${name}`);
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
