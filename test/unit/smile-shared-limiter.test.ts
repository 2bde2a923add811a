import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSharedLimiter } from '../../smile/limiter.js';

/** The Postgres row's rule (db/rate-limits.ts) in memory: the next slot moves on by the interval. */
function memoryRow() {
  let nextSlot = 0;
  return async (intervalMs: number, maxWaitMs: number) => {
    const slot = Math.max(nextSlot, Date.now());
    if (slot > Date.now() + maxWaitMs) return undefined;
    nextSlot = slot + intervalMs;
    return slot;
  };
}

describe('the shared Smile rate limiter', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('lets two processes together start at most the rate in any second', async () => {
    const row = memoryRow();
    const [one, two] = [createSharedLimiter(row, 10), createSharedLimiter(row, 10)];
    const startedAt: number[] = [];
    for (let i = 0; i < 30; i++) void (i % 2 ? one : two)().then(() => startedAt.push(Date.now()));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(startedAt).toHaveLength(30);
    for (let i = 10; i < startedAt.length; i++)
      expect(startedAt[i]! - startedAt[i - 10]!).toBeGreaterThanOrEqual(1_000);
  });

  it('refuses a turn later than the deadline', async () => {
    const take = createSharedLimiter(memoryRow(), 1);
    await take(Date.now() + 100);
    await expect(take(Date.now() + 100)).rejects.toMatchObject({ type: 'SmileRateLimited' });
  });
});
