/**
 * Keeps one process under Smile's rate limit (20 requests per second): each
 * request takes the next free slot, at least 1/rate seconds after the last one.
 * No timer runs while idle.
 */
export function createLimiter(requestsPerSecond: number) {
  const interval = 1_000 / requestsPerSecond;
  let nextSlot = 0;
  return async function take(): Promise<void> {
    const now = Date.now();
    const slot = Math.max(now, nextSlot);
    nextSlot = slot + interval;
    if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
  };
}
