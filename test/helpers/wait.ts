/**
 * Polls `probe` until it returns something truthy. Errors count as "not yet" (a server that is
 * restarting refuses connections for a moment); the last one is reported on timeout.
 */
export async function eventually<T>(probe: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits a little and checks that `probe` stayed falsy, for "nothing happened" assertions. */
export async function stillNothing(probe: () => Promise<unknown>, ms = 1_500): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await probe()) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !(await probe());
}
