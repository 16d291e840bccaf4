// Where the worker gets its config: from the config URL when it installs (validated there, so a
// bad config stops the install), and from IndexedDB each time the browser starts it again, so
// that a restarted worker needs no network before it can broker. Both are bounded: requests may
// be waiting for the config.

import { get, set } from 'idb-keyval';
import type { IdbStore } from './idb-store.ts';
import { untilAborted } from './abortable.ts';
import { boundedStore } from './bounded-storage.ts';
import { resolveConfig, type TokenBrokerConfig } from './config.ts';
import { TokenBrokerError } from './errors.ts';
import { configUrlProblem } from './registration-rules.ts';

/** The config URL the register script put in the worker's own URL (`?config=`). */
export function configUrlOf(workerUrl: string): string {
  const url = new URL(workerUrl);
  const configPath = url.searchParams.get('config');
  if (!configPath) {
    throw new TokenBrokerError('config-unavailable', {
      url: '(none)',
      reason: 'the worker was registered without ?config=; use token-broker-register.js with data-config',
    });
  }
  const configUrl = new URL(configPath, url);
  const problem = configUrlProblem(configUrl, url);
  if (problem) throw new TokenBrokerError('config-unavailable', { url: configUrl.href, reason: problem });
  return configUrl.href;
}

/**
 * How long the config's fetch may take: the same patience as the default refresh timeout. At
 * install it keeps a stalled server from leaving the install pending for the browser's own event
 * timeout (minutes); at a wake where storage failed, requests wait for it.
 */
export const CONFIG_FETCH_TIMEOUT_MS = 10_000;

export async function fetchConfig(configUrl: string, workerOrigin: string, fetchImpl: typeof fetch = fetch): Promise<{ raw: unknown; config: TokenBrokerConfig }> {
  let response: Response;
  const signal = AbortSignal.timeout(CONFIG_FETCH_TIMEOUT_MS);
  const late = `no answer within ${CONFIG_FETCH_TIMEOUT_MS} ms`;
  try {
    response = await fetchImpl(configUrl, { cache: 'no-store', credentials: 'same-origin', signal });
  } catch (error) {
    const reason = signal.aborted ? late : error instanceof Error ? error.message : 'network error';
    throw new TokenBrokerError('config-unavailable', { url: configUrl, reason });
  }
  if (!response.ok) throw new TokenBrokerError('config-unavailable', { url: configUrl, reason: `status ${response.status}` });
  let raw: unknown;
  try {
    raw = await untilAborted(signal, response.json());
  } catch {
    throw new TokenBrokerError('config-unavailable', { url: configUrl, reason: signal.aborted ? late : 'the answer is not valid JSON' });
  }
  return { raw, config: resolveConfig(raw, workerOrigin) };
}

/** Rejects (bounded) when IndexedDB fails: the caller decides what a lost copy costs. */
export async function saveConfig(store: IdbStore, configUrl: string, raw: unknown): Promise<void> {
  await set(`config:${configUrl}`, raw, boundedStore(store));
}

/** The config saved at install, validated again (the rules may have changed with the worker). Bounded. */
export async function loadSavedConfig(store: IdbStore, configUrl: string, workerOrigin: string): Promise<TokenBrokerConfig | undefined> {
  const raw = await get<unknown>(`config:${configUrl}`, boundedStore(store));
  return raw === undefined ? undefined : resolveConfig(raw, workerOrigin);
}
