// The demo's "broker on/off" switch. Off = the server leaves the register script out of the page
// (cookie demo_broker=off) and every worker registration is removed, so the app runs as it would
// without the broker. Other tabs follow through BroadcastChannel 'demo'.

const SWITCH_COOKIE = 'demo_broker';
const DEMO_CHANNEL = 'demo';

export type DemoMessage = { type: 'reload' };

export function isBrokerOn(): boolean {
  return !document.cookie.split(';').some((pair) => pair.trim() === `${SWITCH_COOKIE}=off`);
}

export async function setBrokerOn(on: boolean, channel: BroadcastChannel): Promise<void> {
  if (on) {
    document.cookie = `${SWITCH_COOKIE}=; path=/; max-age=0; SameSite=Lax`;
  } else {
    document.cookie = `${SWITCH_COOKIE}=off; path=/; SameSite=Lax`;
    if ('serviceWorker' in navigator) {
      const registrations = await navigator.serviceWorker.getRegistrations();
      await Promise.all(registrations.map((registration) => registration.unregister()));
    }
  }
  channel.postMessage({ type: 'reload' } satisfies DemoMessage);
  location.reload();
}

export function openDemoChannel(): BroadcastChannel {
  const channel = new BroadcastChannel(DEMO_CHANNEL);
  channel.addEventListener('message', (event: MessageEvent<unknown>) => {
    const data = event.data;
    if (typeof data === 'object' && data !== null && 'type' in data && data.type === 'reload') location.reload();
  });
  return channel;
}
