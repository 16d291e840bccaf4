// Building an example app with its own vite.config.js, as its adopter runs `vite build`, and
// putting the result where the test's backend serves it (the site root).

import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import type { Tab } from './engines/engine.ts';

/** Builds `examples/<name>` with its own vite.config.js into a temp directory; returns that directory. */
export async function buildExample(name: string): Promise<string> {
  const root = resolve('examples', name);
  const outDir = mkdtempSync(join(tmpdir(), `token-broker-example-${name}-`));
  await build({
    root,
    configFile: join(root, 'vite.config.js'),
    logLevel: 'error',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

/** Copies a built example over the root of the directory a backend serves (its own copy), then removes the build. */
export function serveBuiltExample(outDir: string, staticDir: string): void {
  try {
    for (const name of readdirSync(outDir)) cpSync(join(outDir, name), join(staticDir, name), { recursive: true });
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** What an example's dashboard shows (examples/vue-axios and examples/pwa share these ids). */
export interface DashboardCounts {
  loads: number;
  succeeded: number;
  failed: number;
}

/** Clicks the dashboard button `loads` times at once in every tab, and waits until each tab shows them all done. */
export async function loadDashboards(tabs: readonly Tab[], loads: number): Promise<DashboardCounts[]> {
  await Promise.all(tabs.map((tab) => tab.evaluate((times) => {
    for (let i = 0; i < times; i += 1) document.getElementById('dashboard')!.click();
  }, loads)));
  // A function, not a string: not every driver evaluates a string (WebKit's takes functions only).
  await Promise.all(tabs.map((tab) => tab.evaluate((wanted) => {
    (window as unknown as { wantedLoads: string }).wantedLoads = String(wanted);
  }, loads)));
  for (const tab of tabs) {
    await tab.waitForFunction(() => document.getElementById('loads')?.textContent === (window as unknown as { wantedLoads: string }).wantedLoads, 60_000);
  }
  return Promise.all(tabs.map((tab) => tab.evaluate(() => {
    const read = (id: string) => Number(document.getElementById(id)?.textContent);
    return { loads: read('loads'), succeeded: read('succeeded'), failed: read('failed') };
  })));
}
