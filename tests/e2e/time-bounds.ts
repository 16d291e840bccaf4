// "Nothing hangs", asserted well below the test's own timeout: a promise that has not settled
// within its bound fails the test with what was expected, instead of running into the timeout.

export async function settledWithin<T>(promise: Promise<T>, boundMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} had not ended after ${boundMs} ms`)), boundMs);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
