import { ApplicationFailure } from '@temporalio/common';

/**
 * Waits for a request's turn under Smile's rate limit. `deadline` (epoch ms) is
 * when the caller stops waiting: a turn later than that fails with a retryable
 * `SmileRateLimited`, so an activity never outwaits its own timeout.
 */
export type Limiter = (deadline?: number) => Promise<void>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function rateLimited(): ApplicationFailure {
  return ApplicationFailure.retryable('no Smile request slot before the deadline', 'SmileRateLimited');
}

/**
 * One process under the rate: each request takes the next free slot, at least
 * 1/rate seconds after the last one. No timer runs while idle. For a single
 * process (tools, tests of the client); workers share `createSharedLimiter`.
 */
export function createLimiter(requestsPerSecond: number): Limiter {
  const interval = 1_000 / requestsPerSecond;
  let nextSlot = 0;
  return async function take(deadline?: number): Promise<void> {
    const now = Date.now();
    const slot = Math.max(now, nextSlot);
    if (deadline !== undefined && slot > deadline) throw rateLimited();
    nextSlot = slot + interval;
    if (slot > now) await sleep(slot - now);
  };
}

/**
 * Reserves the next slot of the deployment's shared budget; resolves to its time
 * (epoch ms, by the clock every host keeps in sync), or undefined when there is
 * none within `maxWaitMs`.
 */
export type ReserveSlot = (intervalMs: number, maxWaitMs: number) => Promise<number | undefined>;

/**
 * A request goes out at most this late after its slot; one that wakes later (a
 * busy event loop) gives the slot up and takes a new one, so slots are never
 * used in a bunch.
 */
export const SLOT_TOLERANCE_MS = 100;

/**
 * Consecutive slots are 1/rate seconds apart plus a tenth, which covers that
 * tolerance: any `rate + 1` requests sent span more than one second.
 */
export const SLOT_MARGIN = 1.1;

/**
 * Every worker process together under `requestsPerSecond` (SMILE_RATE_LIMIT_PER_SECOND
 * is the deployment's total): slots are handed out from one row in Postgres, so
 * two workers never send twice the rate.
 */
export function createSharedLimiter(reserve: ReserveSlot, requestsPerSecond: number): Limiter {
  const intervalMs = (1_000 * SLOT_MARGIN) / requestsPerSecond;
  return async function take(deadline?: number): Promise<void> {
    for (;;) {
      const maxWaitMs = deadline === undefined ? 60_000 : deadline - Date.now();
      const slot = maxWaitMs < 0 ? undefined : await reserve(intervalMs, maxWaitMs);
      if (slot === undefined) throw rateLimited();
      if (slot > Date.now()) await sleep(slot - Date.now());
      if (Date.now() - slot <= SLOT_TOLERANCE_MS) return;
    }
  };
}
