// Per-request timing for the overhead comparison: the same plain fetch of /api/items whether a
// worker controls the page or not. Durations include reading the body.
const ITEMS_URL = '/api/items?n=5';

async function timedFetch() {
  const startedMs = performance.now();
  const response = await fetch(ITEMS_URL, { cache: 'no-store' });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`GET ${ITEMS_URL} answered ${response.status}`);
  return performance.now() - startedMs;
}

/** n requests one after the other. */
window.benchSequential = async (n) => {
  const durationsMs = [];
  for (let i = 0; i < n; i += 1) durationsMs.push(await timedFetch());
  return durationsMs;
};

/** `batches` rounds of `size` requests at once; each request timed on its own. */
window.benchParallel = async (batches, size) => {
  const durationsMs = [];
  for (let b = 0; b < batches; b += 1) {
    durationsMs.push(...(await Promise.all(Array.from({ length: size }, timedFetch))));
  }
  return durationsMs;
};
window.benchOverheadReady = true;
