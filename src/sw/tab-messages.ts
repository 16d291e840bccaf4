// What every tab hears on BroadcastChannel 'token-broker'. Never a token or a cookie value.
// The workers of the origin listen on it too: a refresh made by one worker (an update beside the
// old version, a second registration with another scope) must be known to every other, whose
// requests carry the same cookies from the shared jar.

export type TabMessage =
  | { type: 'refreshed'; generation: number }
  | { type: 'session-expired' }
  | { type: 'refresh-failed'; reason: string };

/** The channel of the scope "/" (broker-names.ts: other scopes get their own). */
export const TAB_CHANNEL_NAME = 'token-broker';

export type TabAnnouncer = (message: TabMessage) => void;

/** Where the worker's own lines go: the console by default. */
export type WorkerConsole = Pick<Console, 'info' | 'warn'>;

/** The channel as one worker uses it; it never hears its own announcements. */
export interface TabChannel {
  readonly announce: TabAnnouncer;
  /** Calls `listener` with whatever another worker or a tab posts: unknown until narrowed. */
  listen(listener: (message: unknown) => void): void;
}

/**
 * Tells every tab how a refresh ended, and says it on the worker's console too: a developer
 * sees in DevTools what became of each refresh without listening to the channel, and a test
 * can check that what the worker says never holds a secret. The line carries exactly what the
 * message carries (an outcome, a generation number, a reason), never a value.
 */
export function openTabChannel(workerConsole: WorkerConsole = console, name: string = TAB_CHANNEL_NAME): TabChannel {
  const channel = new BroadcastChannel(name);
  return {
    announce: (message) => {
      channel.postMessage(message);
      if (message.type === 'refreshed') workerConsole.info(consoleLineOf(message));
      else workerConsole.warn(consoleLineOf(message));
    },
    listen: (listener) => channel.addEventListener('message', (event) => listener(event.data)),
  };
}

export function broadcastToTabs(workerConsole: WorkerConsole = console): TabAnnouncer {
  return openTabChannel(workerConsole).announce;
}

/** The worker's console line for `message`. */
export function consoleLineOf(message: TabMessage): string {
  switch (message.type) {
    case 'refreshed':
      return `token-broker: refreshed, credential generation ${message.generation}`;
    case 'refresh-failed':
      return `token-broker: refresh failed (${message.reason}); waiting requests get their 401`;
    case 'session-expired':
      return 'token-broker: session expired, the server refused the refresh; waiting requests get their 401';
  }
}

/** The generation a 'refreshed' message names; undefined for anything else. */
export function refreshedGeneration(message: unknown): number | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { type, generation } = message as { type?: unknown; generation?: unknown };
  return type === 'refreshed' && Number.isSafeInteger(generation) && (generation as number) > 0 ? generation as number : undefined;
}
