// Building an example app with its own vite.config.js, as its adopter runs `vite build`, and
// putting the result where the test's backend serves it (the site root).

import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';

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
