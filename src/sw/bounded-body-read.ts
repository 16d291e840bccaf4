// Reads an answer's body into memory only as far as it is small and arrives soon. Why: the broker
// looks inside error answers (a JSON field) and keeps a copy of a 401 while it replays, but a body
// is the server's to shape: it may be large, or chunked and never finished. An unbounded read
// would then hang the page's request, or hold a connection, for as long as the server likes.

/** How long a body may take to end before the broker stops waiting for it. Error bodies come with
 * their headers; one that takes longer is not something to look inside. */
export const BODY_READ_TIMEOUT_MS = 2_000;

export interface BodyReadLimits {
  readonly maxBytes: number;
  readonly timeoutMs: number;
}

export interface BodyRead {
  /** The body, or its first bytes (at most maxBytes) when it did not end within the limits. */
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** The whole body: it ended within the limits. */
  readonly complete: boolean;
}

/**
 * Reads the body of a clone of `response`, within `limits`. `response` itself stays unread: its
 * body goes on streaming to whoever reads it, exactly as it would have without this look.
 */
export async function readBodyWithin(response: Response, limits: BodyReadLimits): Promise<BodyRead> {
  const body = response.clone().body;
  if (body === null) return { bytes: new Uint8Array(0), complete: true };
  const reader = body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<'timed-out'>((resolve) => { timer = setTimeout(() => resolve('timed-out'), limits.timeoutMs); });
  const chunks: Uint8Array[] = [];
  const cut = () => ({ bytes: concatenate(chunks, limits.maxBytes), complete: false });
  try {
    for (let size = 0; ;) {
      const next = await Promise.race([reader.read(), timedOut]);
      if (next === 'timed-out') return cut();
      if (next.done) return { bytes: concatenate(chunks, size), complete: true };
      chunks.push(next.value);
      size += next.value.byteLength;
      if (size > limits.maxBytes) return cut();
    }
  } catch {
    return cut(); // the body failed (the connection dropped)
  } finally {
    clearTimeout(timer);
    // Cancels this clone's branch only; the response's own body is not touched.
    reader.cancel().catch(() => undefined);
  }
}

/** The chunks end to end, at most `maxBytes` of them. */
function concatenate(chunks: readonly Uint8Array[], maxBytes: number): Uint8Array<ArrayBuffer> {
  const size = Math.min(maxBytes, chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  const whole = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    if (offset >= size) break;
    const part = chunk.subarray(0, size - offset);
    whole.set(part, offset);
    offset += part.byteLength;
  }
  return whole;
}
