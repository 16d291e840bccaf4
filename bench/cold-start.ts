// tsx bench/cold-start.ts: where the broker's cold start goes (issue 10, goal 4: the first API
// request after the browser stopped an idle worker, within 5 ms of a pass-through worker).
// Side by side in one run, each setup in a profile of its own, the order rotating each round:
//   pass-through worker (twice: the noise floor);
//   pass-through worker that first reads IndexedDB: what opening a database and one read weigh;
//   pass-through worker that also loads and starts the broker, which never sees a request: the
//   broker's script and start without its request path;
//   broker with its config built in (the Vite plugin's worker): no config read;
//   broker as the register script installs it: its config read from IndexedDB.
// Expects a fresh `npm run build`. Prints the table and writes bench/results/<date>-cold-start.json.
// Traffic goes to 127.0.0.1 only.

import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../tests/e2e/engines/chromium.ts';
import { openBenchPage, type OverheadWindow, type SetupTab } from './costs.ts';
import { alternate, spreadOf, type Spread } from './side-by-side.ts';
import { BenchServer } from './site.ts';

const SETUPS = [
  'pass-through worker',
  'pass-through worker, again',
  'pass-through worker + IndexedDB read',
  'pass-through worker + the broker started',
  'broker, config built in',
  'broker',
] as const;
type ColdSetup = (typeof SETUPS)[number];

const PAGES: Record<ColdSetup, string> = {
  'pass-through worker': 'bench/load-passthrough.html',
  'pass-through worker, again': 'bench/load-passthrough.html',
  'pass-through worker + IndexedDB read': 'bench/cold-idb.html',
  'pass-through worker + the broker started': 'bench/cold-script.html',
  'broker, config built in': 'bench/cold-builtin.html',
  broker: 'bench/load-broker.html',
};

const ROUNDS = Number(process.env.COLD_START_ROUNDS ?? 24);

async function main(): Promise<void> {
  const started = performance.now();
  const server = await BenchServer.start();
  const chromium = await launchChromium();
  const opened = new Map<ColdSetup, SetupTab>();
  try {
    console.log(`cold start, ${ROUNDS} rounds (chromium), load average ${loadavg().map((l) => l.toFixed(2)).join(' / ')}`);
    for (const setup of SETUPS) opened.set(setup, await openBenchPage(chromium, new URL(PAGES[setup], server.url).href, true));
    const samplers = Object.fromEntries([...opened].map(([setup, entry]) => [setup, async () => {
      await entry.profile.devtools!.stopServiceWorkers(entry.tabs[0]!);
      return entry.tabs[0]!.evaluate(() => (window as unknown as OverheadWindow).benchSequential(1));
    }])) as Record<ColdSetup, () => Promise<number[]>>;
    const samples = await alternate<ColdSetup>(samplers, ROUNDS, SETUPS);

    const rows = Object.fromEntries([...samples].map(([setup, values]) => [setup, spreadOf(values)])) as Record<ColdSetup, Spread>;
    const base = spreadOf([...samples.get('pass-through worker')!, ...samples.get('pass-through worker, again')!]).p50Ms;
    console.log(`\n${'setup'.padEnd(44)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}${'p50 vs pass-through'.padStart(22)}`);
    for (const setup of SETUPS) {
      const { p50Ms, p95Ms } = rows[setup];
      const delta = p50Ms - base;
      console.log(`${setup.padEnd(44)}${p50Ms.toFixed(1).padStart(9)}${p95Ms.toFixed(1).padStart(9)}${`${delta >= 0 ? '+' : ''}${delta.toFixed(1)} ms`.padStart(22)}`);
    }
    const stamp = new Date().toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
    const dir = join(import.meta.dirname, 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${stamp}-cold-start.json`);
    writeFileSync(file, `${JSON.stringify({ rounds: ROUNDS, loadAverageAtEnd: loadavg(), rows, passThroughP50Ms: base }, null, 2)}\n`);
    console.log(`\nWrote ${file}\nWall time: ${Math.round((performance.now() - started) / 1000)} s`);
  } finally {
    for (const { profile } of opened.values()) await profile.close().catch(() => undefined);
    await chromium.close();
    await server.close();
  }
}

await main();
