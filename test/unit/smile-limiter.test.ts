import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLimiter } from '../../smile/limiter.js';

describe('the Smile rate limiter', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('lets at most 20 requests start in any second', async () => {
    const take = createLimiter(20);
    let started = 0;
    for (let i = 0; i < 60; i++) void take().then(() => started++);
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toBe(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(started).toBe(20);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(started).toBe(40);
  });

  it('does not delay a request after an idle period', async () => {
    const take = createLimiter(20);
    await take();
    await vi.advanceTimersByTimeAsync(5_000);
    let done = false;
    void take().then(() => (done = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(true);
  });
});
