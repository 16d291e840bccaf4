// What every tab hears on BroadcastChannel 'token-broker'. Never a token or a cookie value.

export type TabMessage =
  | { type: 'refreshed'; generation: number }
  | { type: 'session-expired' }
  | { type: 'refresh-failed'; reason: string };

export const TAB_CHANNEL_NAME = 'token-broker';

export type TabAnnouncer = (message: TabMessage) => void;

export function broadcastToTabs(): TabAnnouncer {
  const channel = new BroadcastChannel(TAB_CHANNEL_NAME);
  return (message) => channel.postMessage(message);
}
