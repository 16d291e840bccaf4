// Backends' default names, so that a config can say "preset" instead of spelling them out.
// Keys the user writes win over the preset's.

import type { HeaderValue } from './config.ts';

interface Preset {
  readonly refresh: { readonly method: string; readonly headers: Readonly<Record<string, HeaderValue>> };
  readonly headers: Readonly<Record<string, HeaderValue>>;
}

export const PRESETS = {
  // flask-jwt-extended 4.x, JWT in cookies: CSRF double submit with the script-readable
  // csrf_* cookies; the refresh route is the app's own, so its URL is still required.
  'flask-jwt-extended': {
    refresh: { method: 'POST', headers: { 'X-CSRF-TOKEN': { cookie: 'csrf_refresh_token' } } },
    headers: { 'X-CSRF-TOKEN': { cookie: 'csrf_access_token' } },
  },
} as const satisfies Record<string, Preset>;

export type PresetName = keyof typeof PRESETS;
