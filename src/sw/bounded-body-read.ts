// Reads an answer's body into memory only when it is small and ends soon. Why: the broker looks
// inside error answers (a JSON field) and keeps a copy of a 401 while it replays, but a body is
// the server's to shape: it may be large, or chunked and never finished. An unbounded read would
// then hang the page's request, or hold a connection, for as long as the server likes.

/** How long a body may take to end before the broker stops waiting for it. Error bodies come with
 * their headers; one that takes longer is not something to look inside. */
export const BODY_READ_TIMEOUT_MS = 2_000;

export interface BodyReadLimits {
  readonly maxBytes: number;
  readonly timeoutMs: number;
}

/**
 * The whole body of `response`, read from a clone, if it ends within `limits`; undefined if it
 * is larger, ends later, or fails. `response` itself stays unread: its body goes on streaming to
 * whoever reads it, exactly as it would have without this look.
 */
export async function readBodyWithin(response: Response, limits: BodyReadLimits): Promise<Uint8Array<ArrayBuffer> | undefined> {
  const body = response.clone().body;
  if (body === null) return new Uint8Array(0);
  const reader = body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<'timed-out'>((resolve) => { timer = setTimeout(() => resolve('timed-out'), limits.timeoutMs); });
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), timedOut]);
      if (next === 'timed-out') return undefined;
      if (next.done) return concatenate(chunks, size);
      chunks.push(next.value);
      size += next.value.byteLength;
      if (size > limits.maxBytes) return undefined;
    }
  } catch {
    return undefined; // the body failed (the connection dropped): nothing to look at
  } finally {
    clearTimeout(timer);
    // Cancels this clone's branch only; the response's own body is not touched.
    reader.cancel().catch(() => undefined);
  }
}

function concatenate(chunks: readonly Uint8Array[], size: number): Uint8Array<ArrayBuffer> {
  const whole = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    whole.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return whole;
}
