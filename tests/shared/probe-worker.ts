// A service worker that asks the tabs about cookies exactly as the broker does (the message of
// src/sw/page-protocol.ts, with a reply port), served by a test at a path of its choosing: at the
// path a page's register script names (its "own worker"), or anywhere else (a foreign worker).
// A page commands it with { command: 'probe:ask', names, waitMs } and a reply port; it answers
// with one entry per window of the origin, controlled or not: the window's URL and what came back
// within waitMs ('none' when nothing did).

export const PROBE_WORKER_SOURCE = `
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('message', (event) => {
  const command = event.data || {};
  if (command.command !== 'probe:ask') return;
  const reply = event.ports[0];
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const answers = await Promise.all(windows.map((client) => new Promise((resolve) => {
      const channel = new MessageChannel();
      const timer = setTimeout(() => resolve({ url: client.url, answer: 'none' }), command.waitMs);
      channel.port1.onmessage = (answer) => {
        clearTimeout(timer);
        resolve({ url: client.url, answer: answer.data });
      };
      client.postMessage({ type: 'token-broker:read-cookies', names: command.names }, [channel.port2]);
    })));
    reply.postMessage(answers);
  })());
});
`;

export interface ProbeAnswer {
  url: string;
  answer: unknown;
}

/** In a page: registers `url` with `scope` (unless it is already there) and waits until it is active. */
export async function activateWorkerInPage({ url, scope }: { url?: string; scope: string }): Promise<string> {
  const registration = url === undefined
    ? await navigator.serviceWorker.getRegistration(scope)
    : await navigator.serviceWorker.register(url, { scope });
  const deadline = Date.now() + 10_000;
  while (!registration?.active && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const active = registration?.active;
  if (!active) throw new Error(`no active worker for ${scope}`);
  return active.scriptURL;
}

/** In a page: has the probe of `scope` ask every window about `names`; returns what each answered. */
export async function askThroughProbeInPage({ scope, names, waitMs }: { scope: string; names: string[]; waitMs: number }): Promise<ProbeAnswer[]> {
  const registration = await navigator.serviceWorker.getRegistration(scope);
  const worker = registration?.active;
  if (!worker) throw new Error(`no active worker for ${scope}`);
  const channel = new MessageChannel();
  const answers = new Promise<ProbeAnswer[]>((resolve) => {
    channel.port1.onmessage = (event: MessageEvent<ProbeAnswer[]>) => resolve(event.data);
  });
  worker.postMessage({ command: 'probe:ask', names, waitMs }, [channel.port2]);
  return answers;
}
