/**
 * Waits for something another part of the process does in its own time (a subscriber registered,
 * a probe answered): polls `condition` until it holds or `timeoutMs` has passed, and returns
 * whether it held. The default bound is far above what the wait takes on an idle machine (tens of
 * milliseconds) because a loaded 2-core machine can stall a process for seconds; the caller
 * asserts the condition afterwards, so a wait that runs out fails the test with its own message.
 */
export async function waitUntil(condition: () => boolean, timeoutMs = 30_000, stepMs = 10): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return true;
}
