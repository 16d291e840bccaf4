// token-broker/vite: the broker in a Vite app with one line in vite.config.ts.
//   plugins: [tokenBroker({ preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' } })]
// It validates the config when Vite starts (the worker's own parser and messages: a bad config
// fails `vite build` and `vite dev`, naming the key), serves the standalone worker with the config
// built in (no config file, no fetch, no ?config=), serves the register script, and adds its tag
// to every HTML page. The same in `vite dev` (served by the dev server) and `vite build` (emitted).

import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Plugin, ResolvedConfig } from 'vite';
import { builtInConfigLine } from '../sw/built-in-config.ts';
import { resolveConfig, type TokenBrokerOptions } from '../sw/config.ts';

export type { TokenBrokerOptions } from '../sw/config.ts';
export { defineConfig } from '../sw/define-config.ts';

const WORKER_FILE = 'token-broker-sw.js';
const REGISTER_FILE = 'token-broker-register.js';
// Paths in the config resolve against the page's origin in the browser; any origin tells valid
// from invalid the same way at build time.
const VALIDATION_ORIGIN = 'http://localhost';

export interface TokenBrokerPluginOptions {
  /** The worker's scope, under Vite's `base`. @default Vite's base ("/") */
  readonly scope?: string;
  /** Where the built worker and register script are read from. @default the package's own files */
  readonly filesDir?: string | URL;
}

/** The Vite plugin. `config` is exactly what token-broker.json would hold, checked by TypeScript here and by the worker's parser when Vite starts. */
export function tokenBroker(config: TokenBrokerOptions, options: TokenBrokerPluginOptions = {}): Plugin {
  // The package layout: this file is dist/vite.js, beside the worker and the register script.
  const filesDir = options.filesDir ?? new URL('./', import.meta.url);
  let base = '/';
  const read = (file: string) => readFileSync(new URL(file, directoryUrl(filesDir)), 'utf8');
  const files = () => ({
    [WORKER_FILE]: builtInConfigLine(config) + read(WORKER_FILE),
    [REGISTER_FILE]: read(REGISTER_FILE),
  });

  return {
    name: 'token-broker',
    configResolved(resolved: ResolvedConfig) {
      base = resolved.base.endsWith('/') ? resolved.base : `${resolved.base}/`;
      // Throws the worker's own TokenBrokerError, every problem under its key: Vite stops there.
      resolveConfig(config, VALIDATION_ORIGIN);
    },
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const path = (request.url ?? '').split('?')[0] ?? '';
        const file = path.startsWith(base) ? path.slice(base.length) : undefined;
        if (file !== WORKER_FILE && file !== REGISTER_FILE) return next();
        response.setHeader('Content-Type', 'text/javascript; charset=utf-8');
        response.setHeader('Cache-Control', 'no-cache');
        response.end(files()[file]);
      });
    },
    generateBundle() {
      for (const [fileName, source] of Object.entries(files())) this.emitFile({ type: 'asset', fileName, source });
    },
    transformIndexHtml: {
      // After Vite's own HTML processing, so that the tag is left as written (a classic script at a fixed URL).
      order: 'post',
      handler: () => [{
        tag: 'script',
        attrs: {
          src: `${base}${REGISTER_FILE}`,
          'data-built-in-config': true,
          'data-sw': `${base}${WORKER_FILE}`,
          'data-scope': options.scope ?? base,
        },
        injectTo: 'head-prepend',
      }],
    },
  };
}

function directoryUrl(dir: string | URL): URL {
  const url = dir instanceof URL ? dir : pathToFileURL(dir);
  return url.href.endsWith('/') ? url : new URL(`${url.href}/`);
}
