// The few messages between the worker and the register script in each tab (postMessage, not the
// BroadcastChannel announcements of tab-messages.ts). Shared by both builds.

/** Worker -> tab, with a reply port: "what are these script-readable cookies?" */
export const READ_COOKIES_MESSAGE = 'token-broker:read-cookies';

/** Tab -> worker: "I am not controlled (a shift-reload, say): take me now." */
export const CLAIM_MESSAGE = 'token-broker:claim';
