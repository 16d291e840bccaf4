// TypeScript declarations for every entry of the package, in dist/types/ (mirroring src/), from
// two programs: the worker's (the WebWorker library) and the rest (DOM and Node). The sources
// import each other with .ts extensions; the declarations must say .js, which resolves to the
// .d.ts beside it in any TypeScript setup.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const OUT_DIR = resolve('dist/types');
const PROGRAMS = [
  { extends: resolve('src/sw/tsconfig.json'), files: ['src/sw/token-broker-worker.ts'] },
  // The page helper (src/page) is built when it is there.
  { extends: resolve('tsconfig.json'), files: ['src/index.ts', 'src/vite/token-broker-plugin.ts', 'src/page/token-broker-page.ts'] },
];

rmSync(OUT_DIR, { recursive: true, force: true });
const scratch = mkdtempSync(join(tmpdir(), 'token-broker-types-'));
try {
  for (const [index, program] of PROGRAMS.entries()) {
    const tsconfig = join(scratch, `tsconfig.${index}.json`);
    writeFileSync(tsconfig, JSON.stringify({
      extends: program.extends,
      compilerOptions: {
        noEmit: false, declaration: true, emitDeclarationOnly: true, outDir: OUT_DIR, rootDir: resolve('src'),
        typeRoots: [resolve('node_modules/@types')],
      },
      include: [],
      files: program.files.filter((file) => existsSync(file)).map((file) => resolve(file)),
    }));
    execFileSync(process.execPath, [resolve('node_modules/typescript/bin/tsc'), '-p', tsconfig], { stdio: 'inherit' });
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

for (const file of walk(OUT_DIR)) {
  writeFileSync(file, readFileSync(file, 'utf8').replace(/(from\s+'\.{1,2}\/[^']*)\.ts'/g, "$1.js'"));
}

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.name.endsWith('.d.ts')) yield path;
  }
}
