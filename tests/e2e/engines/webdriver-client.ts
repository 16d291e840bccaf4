// A small W3C WebDriver (classic) client over plain HTTP, enough to drive WebKitWebDriver: a
// session, its windows, scripts and cookies. Every call has a timeout, because a driver that
// cannot reach its browser (no display, a dead MiniBrowser) hangs without an answer.

/** What a remote end answered instead of a value: the W3C error code and its message. */
export class WebDriverError extends Error {
  override readonly name = 'WebDriverError';
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;

/** Sends one command to a WebDriver remote end and returns its `value`, or throws its error. */
export async function sendCommand<T>(
  url: string,
  method: 'GET' | 'POST' | 'DELETE',
  body: unknown = undefined,
  timeoutMs = DEFAULT_COMMAND_TIMEOUT_MS,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : String(error);
    throw new WebDriverError('client-timeout', `WebDriver ${method} ${new URL(url).pathname}: ${cause}`);
  }
  const text = await response.text();
  let parsed: { value?: unknown };
  try {
    parsed = JSON.parse(text) as { value?: unknown };
  } catch {
    throw new WebDriverError('bad-answer', `WebDriver ${method} ${new URL(url).pathname} answered ${response.status}, not JSON`);
  }
  const value = parsed.value as { error?: unknown; message?: unknown } | null | undefined;
  if (!response.ok || (value && typeof value === 'object' && typeof value.error === 'string')) {
    const code = typeof value?.error === 'string' ? value.error : `http-${response.status}`;
    const message = typeof value?.message === 'string' && value.message ? `: ${value.message}` : '';
    throw new WebDriverError(code, `WebDriver ${method} ${new URL(url).pathname} answered ${code}${message}`);
  }
  return parsed.value as T;
}

export interface WebDriverCookie {
  name: string;
  value: string;
  /** Seconds since the epoch; absent for a session cookie. */
  expiry?: number;
  httpOnly?: boolean;
}

/** One WebDriver session: one browser (a MiniBrowser with its own storage) and its windows. */
export class WebDriverSession {
  readonly id: string;
  readonly #base: string;

  private constructor(base: string, id: string) {
    this.#base = base;
    this.id = id;
  }

  static async create(driverUrl: string, capabilities: unknown, timeoutMs: number): Promise<WebDriverSession> {
    const created = await sendCommand<{ sessionId: string }>(`${driverUrl}/session`, 'POST', { capabilities }, timeoutMs);
    return new WebDriverSession(`${driverUrl}/session/${created.sessionId}`, created.sessionId);
  }

  command<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, timeoutMs?: number): Promise<T> {
    return sendCommand<T>(`${this.#base}${path}`, method, body, timeoutMs);
  }

  currentWindow(): Promise<string> {
    return this.command('GET', '/window');
  }

  async newTab(): Promise<string> {
    return (await this.command<{ handle: string }>('POST', '/window/new', { type: 'tab' })).handle;
  }

  async switchTo(handle: string): Promise<void> {
    await this.command('POST', '/window', { handle });
  }

  /** Closes the current window; the remaining handles. */
  closeWindow(): Promise<string[]> {
    return this.command('DELETE', '/window');
  }

  async navigate(url: string, timeoutMs?: number): Promise<void> {
    await this.command('POST', '/url', { url }, timeoutMs);
  }

  /** Runs `body` (a function body; `arguments` holds `args`) in the current window. */
  executeSync<T>(body: string, args: unknown[], timeoutMs?: number): Promise<T> {
    return this.command('POST', '/execute/sync', { script: body, args }, timeoutMs);
  }

  cookies(): Promise<WebDriverCookie[]> {
    return this.command('GET', '/cookie');
  }

  async delete(timeoutMs?: number): Promise<void> {
    await this.command('DELETE', '', undefined, timeoutMs);
  }
}
