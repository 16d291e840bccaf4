// Makes sure the browser tests have a Chromium: finds one, or installs one (Debian's package as
// root on Debian, Playwright's download elsewhere), or fails with one line saying how.

import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findChromium, findPlaywrightChromium } from './find-chromium.mjs';

function run(command) {
  console.log(`ensure-chromium: ${command}`);
  execSync(command, { stdio: 'inherit' });
}

if (findChromium() || (await findPlaywrightChromium())) process.exit(0);

try {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    run('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium');
  } else {
    run('npx playwright install chromium');
  }
} catch {
  // Fall through to the one-line explanation below.
}

if (!findChromium() && !(await findPlaywrightChromium())) {
  console.error('ensure-chromium: no Chromium found; install one (Debian: apt-get install chromium) or set CHROMIUM_PATH=/path/to/chromium');
  process.exit(1);
}
