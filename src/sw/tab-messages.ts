// What every tab hears on BroadcastChannel 'token-broker'. Never a token or a cookie value.
// The workers of the origin listen on it too: a refresh made by one worker (an update beside the
// old version, a second registration with another scope) must be known to every other, whose
// requests carry the same cookies from the shared jar.

export type TabMessage =
  | { type: 'refreshed'; generation: number }
  | { type: 'session-expired' }
  | { type: 'refresh-failed'; reason: string };

export const TAB_CHANNEL_NAME = 'token-broker';

export type TabAnnouncer = (message: TabMessage) => void;

/** The channel as one worker uses it; it never hears its own announcements. */
export interface TabChannel {
  readonly announce: TabAnnouncer;
  /** Calls `listener` with whatever another worker or a tab posts: unknown until narrowed. */
  listen(listener: (message: unknown) => void): void;
}

export function openTabChannel(): TabChannel {
  const channel = new BroadcastChannel(TAB_CHANNEL_NAME);
  return {
    announce: (message) => channel.postMessage(message),
    listen: (listener) => channel.addEventListener('message', (event) => listener(event.data)),
  };
}

export function broadcastToTabs(): TabAnnouncer {
  return openTabChannel().announce;
}

/** The generation a 'refreshed' message names; undefined for anything else. */
export function refreshedGeneration(message: unknown): number | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { type, generation } = message as { type?: unknown; generation?: unknown };
  return type === 'refreshed' && Number.isSafeInteger(generation) && (generation as number) > 0 ? generation as number : undefined;
}
