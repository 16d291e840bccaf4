// Where is a Chromium for the browser tests? CHROMIUM_PATH, then Debian's /usr/bin/chromium,
// then Playwright's own download. Prints nothing; returns the path or undefined.

import { existsSync } from 'node:fs';

export function findChromium() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  for (const candidate of candidates) {
    if (candidate && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Playwright's own Chromium, if `npx playwright install chromium` put one there. */
export async function findPlaywrightChromium() {
  try {
    const { chromium } = await import('playwright-core');
    const path = chromium.executablePath();
    return path && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}
