// Where the worker gets its config: from the config URL when it installs (validated there, so a
// bad config stops the install), and from IndexedDB each time the browser starts it again, so
// that a restarted worker needs no network before it can broker.

import { get, set, type UseStore } from 'idb-keyval';
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

export async function fetchConfig(configUrl: string, workerOrigin: string, fetchImpl: typeof fetch = fetch): Promise<{ raw: unknown; config: TokenBrokerConfig }> {
  let response: Response;
  try {
    response = await fetchImpl(configUrl, { cache: 'no-store', credentials: 'same-origin' });
  } catch (error) {
    throw new TokenBrokerError('config-unavailable', { url: configUrl, reason: error instanceof Error ? error.message : 'network error' });
  }
  if (!response.ok) throw new TokenBrokerError('config-unavailable', { url: configUrl, reason: `status ${response.status}` });
  let raw: unknown;
  try {
    raw = await response.json();
  } catch {
    throw new TokenBrokerError('config-unavailable', { url: configUrl, reason: 'the answer is not valid JSON' });
  }
  return { raw, config: resolveConfig(raw, workerOrigin) };
}

export async function saveConfig(store: UseStore, configUrl: string, raw: unknown): Promise<void> {
  await set(`config:${configUrl}`, raw, store);
}

/** The config saved at install, validated again (the rules may have changed with the worker). */
export async function loadSavedConfig(store: UseStore, configUrl: string, workerOrigin: string): Promise<TokenBrokerConfig | undefined> {
  const raw = await get<unknown>(`config:${configUrl}`, store);
  return raw === undefined ? undefined : resolveConfig(raw, workerOrigin);
}
