// The processes behind the WebKit engine: where WebKitGTK's pieces are installed, an Xvfb display
// (MiniBrowser has no headless mode) and one WebKitWebDriver per profile (it serves one session at
// a time). Each runs in its own process group, killed whole on close and when node exits, so that
// no MiniBrowser or web process outlives a test run, even a failed one; and each group has a
// watcher that kills it when this node process is gone without exiting (SIGKILL, a crash), which
// no exit handler can catch.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { sendCommand } from './webdriver-client.ts';

export interface WebKitInstall {
  readonly driver: string;
  readonly miniBrowser: string;
  readonly xvfb: string;
}

/** WebKitWebDriver, MiniBrowser and Xvfb (Debian: webkit2gtk-driver, xvfb), or undefined when one is missing. */
export function findWebKit(): WebKitInstall | undefined {
  const driver = ['/usr/bin/WebKitWebDriver', '/usr/local/bin/WebKitWebDriver'].find((path) => existsSync(path));
  const xvfb = ['/usr/bin/Xvfb', '/usr/local/bin/Xvfb'].find((path) => existsSync(path));
  const miniBrowser = process.env.MINIBROWSER_PATH ?? findDebianMiniBrowser();
  if (!driver || !xvfb || !miniBrowser || !existsSync(miniBrowser)) return undefined;
  return { driver, miniBrowser, xvfb };
}

/** Debian installs MiniBrowser under /usr/lib/<multiarch triplet>/webkit2gtk-<api>/. */
function findDebianMiniBrowser(): string | undefined {
  for (const triplet of safeReaddir('/usr/lib')) {
    for (const api of safeReaddir(join('/usr/lib', triplet)).filter((name) => name.startsWith('webkit2gtk-'))) {
      const candidate = join('/usr/lib', triplet, api, 'MiniBrowser');
      if (existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) killGroup(child);
});

/** How often a group's watcher looks for this node process. */
const WATCH_INTERVAL_S = 1;

/**
 * Runs `command` as the leader of a new process group (exec: its pid and exit are the child's),
 * beside a shell loop in the same group that kills the whole group once node's pid is gone.
 */
const WATCHED_START = `(while kill -0 "$1" 2>/dev/null; do sleep ${WATCH_INTERVAL_S}; done; kill -KILL 0) & shift; exec "$@"`;

function startGroup(command: string, args: string[], env: NodeJS.ProcessEnv, stdio: ('ignore' | 'pipe')[]): ChildProcess {
  const child = spawn('/bin/sh', ['-c', WATCHED_START, 'watched-start', String(process.pid), command, ...args], { env, stdio, detached: true });
  running.add(child);
  return child;
}

const killed = new WeakSet<ChildProcess>();

/** Kills `child`'s whole group: it, everything it started (MiniBrowser and its web, network and GPU processes) and its watcher. */
export function killGroup(child: ChildProcess): void {
  running.delete(child);
  if (child.pid === undefined || killed.has(child)) return;
  killed.add(child);
  try {
    // The group outlives a leader that exited on its own (its watcher, a MiniBrowser): kill it anyway.
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

export interface Display {
  /** The DISPLAY value, e.g. ":103". */
  readonly name: string;
  close(): void;
}

/** Starts Xvfb on a display it picks itself (-displayfd), so parallel workers never collide. */
export async function startXvfb(xvfb: string, timeoutMs: number): Promise<Display> {
  const child = startGroup(xvfb, ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], process.env,
    ['ignore', 'ignore', 'pipe', 'pipe']);
  const number = await new Promise<string>((resolve, reject) => {
    let written = '';
    let errors = '';
    const timer = setTimeout(() => fail(`Xvfb named no display within ${timeoutMs} ms`), timeoutMs);
    const fail = (why: string) => {
      clearTimeout(timer);
      killGroup(child);
      reject(new Error(`${why}${errors ? `: ${errors.trim().split('\n').slice(-3).join(' / ')}` : ''}`));
    };
    child.stderr?.on('data', (chunk: Buffer) => { errors += chunk.toString(); });
    child.stdio[3]?.on('data', (chunk: Buffer) => {
      written += chunk.toString();
      if (written.includes('\n')) {
        clearTimeout(timer);
        resolve(written.trim());
      }
    });
    child.once('exit', (code) => fail(`Xvfb exited (${code})`));
  });
  return { name: `:${number}`, close: () => killGroup(child) };
}

export interface Driver {
  readonly url: string;
  close(): void;
}

/** A port found free may be taken by someone else before the driver binds it: then another one. */
const DRIVER_START_ATTEMPTS = 3;

/** Starts a WebKitWebDriver on a free loopback port, drawing on `display`, and waits until it answers. */
export async function startDriver(driver: string, display: Display, timeoutMs: number): Promise<Driver> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startDriverOnce(driver, display, timeoutMs);
    } catch (error) {
      if (!(error instanceof DriverExited) || attempt >= DRIVER_START_ATTEMPTS) throw error;
    }
  }
}

class DriverExited extends Error {
  override readonly name = 'DriverExited';
}

async function startDriverOnce(driver: string, display: Display, timeoutMs: number): Promise<Driver> {
  const port = await freePort();
  const child = startGroup(driver, [`--port=${port}`], { ...process.env, DISPLAY: display.name }, ['ignore', 'ignore', 'ignore']);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      killGroup(child);
      throw new DriverExited(`WebKitWebDriver exited (${child.exitCode ?? child.signalCode}) on port ${port}`);
    }
    try {
      await sendCommand(`${url}/status`, 'GET', undefined, 2_000);
      return { url, close: () => killGroup(child) };
    } catch (error) {
      if (Date.now() > deadline) {
        killGroup(child);
        throw new Error(`WebKitWebDriver did not answer on port ${port} within ${timeoutMs} ms: ${String(error)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
