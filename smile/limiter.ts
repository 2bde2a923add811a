import { ApplicationFailure } from '@temporalio/common';

/**
 * Whether a person is waiting on the call (a start, a token refresh) or it is
 * background work (connection checks, fetches, revocations): user calls go first.
 */
export type Priority = 'user' | 'background';

/**
 * Waits for a request's turn under Smile's rate limit. `deadline` (epoch ms) is
 * when the caller stops waiting: a turn later than that fails with a retryable
 * `SmileRateLimited`, so an activity never outwaits its own timeout.
 */
export type Limiter = (deadline?: number, priority?: Priority) => Promise<void>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function rateLimited(): ApplicationFailure {
  return ApplicationFailure.retryable('no Smile request slot before the deadline', 'SmileRateLimited');
}

/**
 * One process under the rate: each request takes the next free slot, at least
 * 1/rate seconds after the last one, whatever its priority. No timer runs while
 * idle. For a single process (tools, tests of the client); workers share
 * `createSharedLimiter`.
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
 * Background calls (connection checks, fetches, revocations) reserve at most this
 * many slots ahead of now; calls a user waits on (a start, a token refresh) may
 * reserve any slot before their deadline. So a user's call that arrives while
 * background work fills the budget waits behind at most these few slots, in
 * whichever process they were reserved, never behind the whole backlog.
 */
export const BACKGROUND_LEAD_SLOTS = 2;

interface Waiter {
  deadline: number | undefined;
  resolve(slot: number): void;
  reject(error: unknown): void;
}

/** How long a call waited for its turn, by priority (the worker's metrics). */
export type ObserveWait = (priority: Priority, seconds: number) => void;

/**
 * Every worker process together under `requestsPerSecond` (SMILE_RATE_LIMIT_PER_SECOND
 * is the deployment's total): slots are handed out from one row in Postgres, so
 * two workers never send twice the rate. A user's call reserves its slot at once;
 * a process's background calls ask for theirs one at a time, each only within
 * BACKGROUND_LEAD_SLOTS of now, and wait (retrying every slot) while the budget is
 * taken further ahead than that.
 */
export function createSharedLimiter(
  reserve: ReserveSlot,
  requestsPerSecond: number,
  observeWait: ObserveWait = () => {},
): Limiter {
  const intervalMs = (1_000 * SLOT_MARGIN) / requestsPerSecond;
  const background: Waiter[] = [];
  let pumping = false;
  const timeLeft = (deadline: number | undefined) => (deadline ?? Date.now() + 60_000) - Date.now();

  /** Reserves slots for the waiting background calls, in order, until none waits. */
  async function pump(): Promise<void> {
    pumping = true;
    try {
      for (let waiter = background[0]; waiter; waiter = background[0]) {
        const left = timeLeft(waiter.deadline);
        const maxWaitMs = Math.min(left, BACKGROUND_LEAD_SLOTS * intervalMs);
        const slot = left < 0 ? undefined : await reserve(intervalMs, maxWaitMs).catch((error: unknown) => error);
        if (typeof slot === 'number') background.shift()!.resolve(slot);
        else if (slot !== undefined || left < 0) background.shift()!.reject(slot ?? rateLimited());
        // The budget is taken further ahead than background may reserve: try again a slot later.
        else await sleep(intervalMs);
      }
    } finally {
      pumping = false;
    }
  }

  const turn = async (priority: Priority, deadline: number | undefined): Promise<number> => {
    if (priority === 'user') {
      const left = timeLeft(deadline);
      const slot = left < 0 ? undefined : await reserve(intervalMs, left);
      if (slot === undefined) throw rateLimited();
      return slot;
    }
    return new Promise<number>((resolve, reject) => {
      background.push({ deadline, resolve, reject });
      if (!pumping) void pump();
    });
  };

  return async function take(deadline?: number, priority: Priority = 'user'): Promise<void> {
    const askedAt = Date.now();
    for (;;) {
      const slot = await turn(priority, deadline);
      if (slot > Date.now()) await sleep(slot - Date.now());
      if (Date.now() - slot <= SLOT_TOLERANCE_MS) break;
    }
    observeWait(priority, (Date.now() - askedAt) / 1_000);
  };
}
