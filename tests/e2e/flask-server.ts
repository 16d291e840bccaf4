// The seed's real backend as the browser tests see it: tests/flask/app.py, a small app on the real
// flask-jwt-extended, run by Debian's /usr/bin/python3 on a loopback port. Same surface as
// DemoServer (demo-server.ts), so a scenario runs against either (see test-backend.ts).

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ControlledBackend, servedDirectory } from './backend-control.ts';
import type { TestBackend, TestBackendOptions } from './test-backend.ts';

/** Debian's interpreter, by its path: a `python3` earlier on PATH may lack the Debian packages. */
export const FLASK_PYTHON = process.env.FLASK_PYTHON ?? '/usr/bin/python3';
const APP_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '../flask/app.py');
const READY_TIMEOUT_MS = 20_000;
const EXIT_TIMEOUT_MS = 3_000;
const STDERR_KEPT_CHARS = 4000;
const READY_LINE = /^listening on (http:\/\/\S+\/)$/m;
const INSTALL_HINT = 'apt-get install -y python3-flask python3-python-flask-jwt-extended (or run .ci/run)';

// Every app still running, killed if the test process exits without closing it.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

// Asked once per test process: the answer does not change while the tests run.
let unavailableReason: { reason: string | undefined } | undefined;

/** Why the real flask backend cannot run here, or undefined when it can. */
export function flaskUnavailableReason(): string | undefined {
  unavailableReason ??= { reason: probeFlask() };
  return unavailableReason.reason;
}

function probeFlask(): string | undefined {
  if (!existsSync(FLASK_PYTHON)) return `no ${FLASK_PYTHON}; ${INSTALL_HINT}`;
  const probe = spawnSync(FLASK_PYTHON, ['-c', 'import flask, flask_jwt_extended'], { encoding: 'utf8', timeout: 30_000 });
  if (probe.status !== 0) return `${FLASK_PYTHON} cannot import flask and flask_jwt_extended; ${INSTALL_HINT}`;
  return undefined;
}

export class FlaskServer extends ControlledBackend implements TestBackend {
  readonly kind = 'flask';
  protected readonly label = 'flask app';
  readonly url: string;
  readonly staticDir: string;
  readonly #child: ChildProcess;
  readonly #cleanUp: () => void;
  #closing: Promise<void> | undefined;

  private constructor(url: string, staticDir: string, child: ChildProcess, cleanUp: () => void) {
    super();
    this.url = url;
    this.staticDir = staticDir;
    this.#child = child;
    this.#cleanUp = cleanUp;
  }

  /** Starts the app; throws (never skips) when flask-jwt-extended is not installed. */
  static async start(options: TestBackendOptions = {}): Promise<FlaskServer> {
    const unavailable = flaskUnavailableReason();
    if (unavailable) throw new Error(`real flask backend: ${unavailable}`);
    const { files, accessTtlSeconds = 600, rotation = true } = options;
    const { staticDir, cleanUp } = servedDirectory(files, 'token-broker-flask-');
    const args = [APP_PATH, '--static-dir', staticDir, '--port', '0', '--access-ttl', String(accessTtlSeconds)];
    if (!rotation) args.push('--no-rotation');
    // stdin stays open as a pipe: the app exits when it closes, so it dies with this process.
    const child = spawn(FLASK_PYTHON, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    running.add(child);
    child.once('exit', () => running.delete(child));
    try {
      const url = await waitForReady(child);
      return new FlaskServer(url, staticDir, child, cleanUp);
    } catch (error) {
      await stop(child);
      cleanUp();
      throw error;
    }
  }

  close(): Promise<void> {
    this.#closing ??= stop(this.#child).then(() => this.#cleanUp());
    return this.#closing;
  }
}

/** Resolves with the app's URL once it prints it; rejects if it exits or takes too long. */
function waitForReady(child: ChildProcess): Promise<string> {
  return new Promise((resolveReady, rejectReady) => {
    let stdout = '';
    let stderr = '';
    const fail = (why: string): void => {
      cleanUpListeners();
      // The app's own stderr says why (an import error, a bad argument); it holds no secret yet.
      rejectReady(new Error(`flask app did not start: ${why}${stderr ? `\n${stderr}` : ''}`));
    };
    const onStdout = (chunk: Buffer): void => {
      stdout += chunk.toString('utf8');
      const match = READY_LINE.exec(stdout);
      if (match?.[1]) {
        cleanUpListeners();
        resolveReady(match[1]);
      }
    };
    const onStderr = (chunk: Buffer): void => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEPT_CHARS);
    };
    const onExit = (code: number | null, signal: string | null): void => fail(`it exited (${signal ?? code})`);
    const onError = (error: Error): void => fail(error.message);
    const timer = setTimeout(() => fail(`no "listening on" line within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    const cleanUpListeners = (): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onStdout);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    child.stdout?.on('data', onStdout);
    // Keep reading stderr for the app's whole life, so a full pipe never blocks it.
    child.stderr?.on('data', onStderr);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

/** SIGTERM, then SIGKILL if it is still there after a bound; resolves once it is gone. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(killer);
      resolveStop();
    });
    child.stdin?.end();
    child.kill('SIGTERM');
  });
}
