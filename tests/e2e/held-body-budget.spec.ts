// Many large uploads at once, from several tabs: the worker keeps at most maxHeldBodyBytes of
// bodies in memory for replays. Beyond that, a request is sent once, as it came: never lost,
// its 401 (if it meets one) back to the page.

import { adopterPage, count, expect, logIn, openControlledTabs, requires, sleep, test, type Tab } from './fixtures.ts';

const KiB = 1024;
// Small for a busy shared machine (the demo server took in uploads at 200-340 KB/s there, with
// or without the worker), large enough to tell "every body held" (768 KiB) from "the budget's
// worth" (192 KiB) in the worker's memory.
const BODY_BYTES = 64 * KiB;
const MAX_HELD_BODY_BYTES = 192 * KiB;
const HELD_AT_ONCE = MAX_HELD_BODY_BYTES / BODY_BYTES; // 3
const TABS = 3;
const UPLOADS_PER_TAB = 4;
const UPLOADS = TABS * UPLOADS_PER_TAB; // 12: four times the budget at once

// 24 uploads, two waves of held 401s: about a minute in Firefox on a busy machine.
test.describe.configure({ timeout: 150_000 });

test.use({
  backendFiles: {
    'held-budget.json': JSON.stringify({
      preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' },
      maxReplayBodyBytes: 128 * KiB, maxHeldBodyBytes: MAX_HELD_BODY_BYTES,
    }),
    'held-budget.html': adopterPage('/held-budget.json'),
  },
});

interface UploadResult {
  status: number;
  /** SHA-256 of the bytes the page sent, and of those the server received (null: no echo). */
  sentSha256: string;
  receivedSha256: string | null;
}

/** Sends `count` uploads of `bytes` each at once, every one with its own contents; in the page. */
async function uploadInPage(arg: { tab: number; count: number; bytes: number }): Promise<UploadResult[]> {
  const hex = async (data: BufferSource) =>
    [...new Uint8Array(await crypto.subtle.digest('SHA-256', data))].map((b) => b.toString(16).padStart(2, '0')).join('');
  const one = async (i: number): Promise<UploadResult> => {
    const body = new Uint8Array(arg.bytes);
    for (let j = 0; j < body.length; j += 1) body[j] = (j * (arg.tab * 31 + i + 1)) % 251;
    const sentSha256 = await hex(body);
    try {
      const response = await fetch(`/api/echo?upload=${arg.tab}-${i}`, { method: 'PUT', body });
      const echo = response.status === 200 ? (await response.json() as { sha256: string }).sha256 : null;
      return { status: response.status, sentSha256, receivedSha256: echo };
    } catch {
      return { status: 0, sentSha256, receivedSha256: null };
    }
  };
  return Promise.all(Array.from({ length: arg.count }, (_, i) => one(i)));
}

function uploadFromEveryTab(tabs: Tab[]): Promise<UploadResult[]> {
  return Promise.all(tabs.map((tab, index) => tab.evaluate(uploadInPage, { tab: index, count: UPLOADS_PER_TAB, bytes: BODY_BYTES })))
    .then((perTab) => perTab.flat());
}

test('uploads beyond the held-body budget are sent once as they came: every byte arrives, and only the budget\'s worth are replayed', async ({ profile, backend }) => {
  const tabs = await openControlledTabs(profile, backend, TABS, 'held-budget.html');
  await logIn(tabs[0]!);

  // Credentials valid: every upload reaches the server whole, kept in the worker or not.
  const fresh = await uploadFromEveryTab(tabs);
  expect(fresh.map((r) => r.status)).toEqual(Array(UPLOADS).fill(200));
  for (const upload of fresh) expect(upload.receivedSha256).toBe(upload.sentSha256);

  // Every upload meets one expiry: each expired 401 is answered 3 s late, so that all of them
  // are stamped and sent before the first 401 comes back.
  await backend.control({ expiredAnswerDelayMs: 3_000 });
  await backend.expireAccessTokens();
  await backend.resetCounters();
  const expired = await uploadFromEveryTab(tabs);

  const statuses = expired.map((r) => r.status);
  expect(count(statuses, 200)).toBe(HELD_AT_ONCE); // held, refreshed for, replayed
  expect(count(statuses, 401)).toBe(UPLOADS - HELD_AT_ONCE); // sent as they came: their 401 to the page
  for (const upload of expired.filter((r) => r.status === 200)) expect(upload.receivedSha256).toBe(upload.sentSha256);
  const stats = await backend.stats();
  expect(stats.api401Expired).toBe(UPLOADS);
  expect(stats.apiRequests).toBe(UPLOADS + HELD_AT_ONCE);
  expect(stats.refreshRequests).toBe(1);
});

test('the worker holds no more than maxHeldBodyBytes of upload bodies in memory, and lets go of them when the uploads end', async ({ profile, backend }) => {
  requires(profile, 'workerMemory');
  const devtools = profile.devtools!;
  const workerScript = new URL('token-broker-sw.js', backend.url).href;
  const tabs = await openControlledTabs(profile, backend, TABS, 'held-budget.html');
  await logIn(tabs[0]!);
  const before = await devtools.serviceWorkerMemory(workerScript);

  // Expired answers and the refresh both slow: the uploads wait in the worker for seconds.
  await backend.control({ expiredAnswerDelayMs: 4_000, refreshDelayMs: 3_000 });
  await backend.expireAccessTokens();
  await backend.resetCounters();
  const uploads = uploadFromEveryTab(tabs);
  await expect.poll(async () => (await backend.stats()).apiRequests, { timeout: 15_000 }).toBeGreaterThanOrEqual(6);
  await sleep(1_000);
  const during = await devtools.serviceWorkerMemory(workerScript);
  const results = await uploads;
  const after = await devtools.serviceWorkerMemory(workerScript);
  console.log(`worker ArrayBuffer KiB: before ${kib(before.arrayBufferBytes)}, during ${kib(during.arrayBufferBytes)}, after ${kib(after.arrayBufferBytes)}; JS heap KiB before ${kib(before.heapUsedBytes)}, during ${kib(during.heapUsedBytes)}`);

  expect(results.every((r) => r.status === 200 || r.status === 401)).toBe(true);
  // Without the budget, all 12 bodies (768 KiB) sat here; with it, at most the budget and one body in flight.
  expect(during.arrayBufferBytes).toBeLessThanOrEqual(before.arrayBufferBytes + MAX_HELD_BODY_BYTES + BODY_BYTES);
  expect(after.arrayBufferBytes).toBeLessThan(before.arrayBufferBytes + BODY_BYTES);
});

function kib(bytes: number): string {
  return (bytes / KiB).toFixed(0);
}
