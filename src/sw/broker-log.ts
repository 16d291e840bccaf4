// Every line the worker says goes through here: to its console, and posted on BroadcastChannel
// 'token-broker-log'. Why both: WebKit passes a service worker's console to no automation
// protocol, and Firefox's reaches puppeteer only for pages; a page of the origin can always
// listen on the channel, in every engine. Pages may read these lines because, by the house rules,
// a line never holds a token, a cookie value or a secret: outcomes, counts, URLs, config keys.
// The "debug" option's lines (decision-log.ts) are its 'debug' level.

export const LOG_CHANNEL_NAME = 'token-broker-log';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** What a page hears on 'token-broker-log', one message per line. */
export interface BrokerLogLine {
  readonly level: LogLevel;
  readonly line: string;
}

export type BrokerLog = Readonly<Record<LogLevel, (line: string) => void>>;

/** A log that says each line on `sink` (the console by default) and posts it on the log channel. */
export function createBrokerLog(sink: BrokerLog = console): BrokerLog {
  const say = (level: LogLevel) => (line: string) => {
    sink[level](line);
    post({ level, line });
  };
  return { debug: say('debug'), info: say('info'), warn: say('warn'), error: say('error') };
}

/** The worker's log. */
export const brokerLog: BrokerLog = createBrokerLog();

/** The line for a caught error: its message (ours never hold a value), or the thing itself. */
export function lineOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function post(entry: BrokerLogLine): void {
  if (typeof BroadcastChannel !== 'function') return;
  // A channel per line, closed at once: what was posted is still delivered, and no open channel
  // is left to keep a process alive. Lines are rare (an outcome per refresh, a failure).
  const channel = new BroadcastChannel(LOG_CHANNEL_NAME);
  try {
    channel.postMessage(entry);
  } finally {
    channel.close();
  }
}
