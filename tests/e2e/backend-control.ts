// What both test backends share: the directory they serve (the built files, plus a test's own)
// and the client of their test-only control routes (/__demo/...), which both speak alike.

import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { BackendControl, BackendStats } from './test-backend.ts';

const CONTROL_TIMEOUT_MS = 10_000;

export interface ServedDirectory {
  /** The directory served: a test's own copy when it asked for extra files, so it may change them. */
  readonly staticDir: string;
  /** Removes the test's copy, if one was made. */
  cleanUp(): void;
}

/** dist, or, when a test brings `files`, a copy of dist with them beside it in a directory of its own. */
export function servedDirectory(files: Record<string, string> | undefined, prefix: string): ServedDirectory {
  if (!files) return { staticDir: resolve('dist'), cleanUp: () => undefined };
  const staticDir = mkdtempSync(join(tmpdir(), prefix));
  cpSync('dist', staticDir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(staticDir, name)), { recursive: true });
    writeFileSync(join(staticDir, name), content);
  }
  return { staticDir, cleanUp: () => rmSync(staticDir, { recursive: true, force: true }) };
}

/** The control routes' client, the base of both backends' classes. */
export abstract class ControlledBackend {
  abstract readonly url: string;
  /** Names the backend in an error message. */
  protected abstract readonly label: string;

  async stats(): Promise<BackendStats> {
    return (await this.#call('GET', '__demo/stats')) as BackendStats;
  }

  async control(changes: BackendControl): Promise<void> {
    await this.#call('POST', '__demo/control', changes);
  }

  /** Every access token issued so far is answered 401 "Token has expired" from now on. */
  async expireAccessTokens(): Promise<void> {
    await this.#call('POST', '__demo/expire');
  }

  async resetCounters(): Promise<void> {
    await this.#call('POST', '__demo/reset');
  }

  async #call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(new URL(path, this.url), {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(CONTROL_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`${this.label}: ${method} /${path} answered ${response.status}: ${await response.text()}`);
    return response.json();
  }
}
