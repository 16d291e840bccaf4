// What every tab hears on BroadcastChannel 'token-broker'. Never a token or a cookie value.

export type TabMessage =
  | { type: 'refreshed'; generation: number }
  | { type: 'session-expired' }
  | { type: 'refresh-failed'; reason: string };

export const TAB_CHANNEL_NAME = 'token-broker';

export type TabAnnouncer = (message: TabMessage) => void;

/** Where the worker's own lines go: the console by default. */
export type WorkerConsole = Pick<Console, 'info' | 'warn'>;

/**
 * Tells every tab how a refresh ended, and says it on the worker's console too: a developer
 * sees in DevTools what became of each refresh without listening to the channel, and a test
 * can check that what the worker says never holds a secret. The line carries exactly what the
 * message carries (an outcome, a generation number, a reason), never a value.
 */
export function broadcastToTabs(workerConsole: WorkerConsole = console): TabAnnouncer {
  const channel = new BroadcastChannel(TAB_CHANNEL_NAME);
  return (message) => {
    channel.postMessage(message);
    if (message.type === 'refreshed') workerConsole.info(consoleLineOf(message));
    else workerConsole.warn(consoleLineOf(message));
  };
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
