// The register script's answer to "what are these cookies?": read from document.cookie, which
// shows only script-readable cookies, the ones the page itself can read anyway.

/**
 * The values of `names` in a document.cookie string; null for a name that is not there.
 * Two cookies of one name (a Domain or Path changed in a deploy): the FIRST wins, as in the
 * Cookie header the browser sends (more specific path first) and as Werkzeug reads it, so the
 * CSRF value stamped is the one the server compares with.
 */
export function readDocumentCookies(cookieString: string, names: readonly string[]): Record<string, string | null> {
  const wanted = new Set(names);
  const found = new Map<string, string>();
  for (const pair of cookieString.split('; ')) {
    const separator = pair.indexOf('=');
    // A nameless cookie shows only its value: it is no cookie of any name.
    if (separator < 0) continue;
    const name = pair.slice(0, separator);
    if (wanted.has(name) && !found.has(name)) found.set(name, pair.slice(separator + 1));
  }
  return Object.fromEntries(names.map((name) => [name, found.get(name) ?? null]));
}
