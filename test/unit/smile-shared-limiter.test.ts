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

  it("gives a user's call a turn before the background calls that filled the budget, in any process", async () => {
    const row = memoryRow();
    const [busy, other] = [createSharedLimiter(row, 10), createSharedLimiter(row, 10)];
    const order: string[] = [];
    for (let i = 0; i < 30; i++) void busy(undefined, 'background').then(() => order.push(`background-${i}`));
    await vi.advanceTimersByTimeAsync(300);
    void other(undefined, 'user').then(() => order.push('user, other process'));
    void busy(undefined, 'user').then(() => order.push('user, same process'));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(order).toHaveLength(32);
    // Each user call waits behind at most the few slots background work may reserve ahead, not the 30.
    expect(order.indexOf('user, other process')).toBeLessThanOrEqual(8);
    expect(order.indexOf('user, same process')).toBeLessThanOrEqual(8);
    expect(order.filter((name) => name.startsWith('background'))).toStrictEqual(
      Array.from({ length: 30 }, (_, i) => `background-${i}`),
    );
  });

  it('tells how long each call waited, by priority', async () => {
    const waits: [string, number][] = [];
    const take = createSharedLimiter(memoryRow(), 10, (priority, seconds) => waits.push([priority, seconds]));
    const all = Promise.all([take(undefined, 'background'), take(undefined, 'background'), take(undefined, 'user')]);
    await vi.advanceTimersByTimeAsync(1_000);
    await all;
    expect(waits.map(([priority]) => priority).sort()).toStrictEqual(['background', 'background', 'user']);
    expect(Math.max(...waits.map(([, seconds]) => seconds))).toBeGreaterThan(0);
  });
});
