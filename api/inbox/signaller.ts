import type { Client } from '@temporalio/client';
import type { Sql } from '../../activities/store/db.js';
import { FAST_PATH_GRACE_SECONDS, releaseToRelay, type InboxEvent } from '../../activities/store/inbox.js';
import { deliverEvent } from './deliver.js';

/** After Temporal failed to answer, the relay alone signals for this long: the events are safe in the inbox. */
const BREAKER_MS = 5_000;
/** An event that waited this long here goes to the relay instead, well inside the relay's grace for fresh events. */
const MAX_WAIT_MS = (FAST_PATH_GRACE_SECONDS * 1_000) / 4;

export interface Signaller {
  /** Signals a freshly stored inbox event soon, without making the webhook's answer wait for it. */
  offer(event: InboxEvent): void;
  /** Waits for the signals in flight and hands the queued events to the relay (at shutdown). */
  drain(): Promise<void>;
}

/**
 * The fast path from inbox to workflow. Smile gets its 200 once the event is
 * committed; the signal follows here, at most `maxInFlight` at a time, holding no
 * database connection while Temporal answers. The relay leaves fresh events alone
 * for `FAST_PATH_GRACE_SECONDS`, so the two never signal the same event; whatever
 * this path gives up on (a full queue, Temporal failing, the process dying) the
 * relay delivers, in order of arrival.
 */
export function createSignaller({
  sql,
  client,
  maxInFlight = 32,
  maxQueued = 2_000,
}: {
  sql: Sql;
  client: Client;
  maxInFlight?: number;
  maxQueued?: number;
}): Signaller {
  const queue: { event: InboxEvent; at: number }[] = [];
  const inFlight = new Set<Promise<void>>();
  const releasing = new Set<Promise<void>>();
  let temporalDownUntil = 0;

  /** Hands an event to the relay now; if even that fails, the relay takes it after the grace. */
  function release(event: InboxEvent): Promise<void> {
    const done: Promise<void> = releaseToRelay(sql, event.id)
      .catch(() => {})
      .finally(() => releasing.delete(done));
    releasing.add(done);
    return done;
  }

  async function signal(event: InboxEvent, queuedAt: number): Promise<void> {
    if (Date.now() < temporalDownUntil || Date.now() - queuedAt > MAX_WAIT_MS) return release(event);
    const outcome = await deliverEvent({ sql, client }, event).catch(() => 'pending' as const);
    if (outcome === 'pending') temporalDownUntil = Date.now() + BREAKER_MS;
  }

  function pump(): void {
    while (inFlight.size < maxInFlight && queue.length > 0) {
      const { event, at } = queue.shift()!;
      const running: Promise<void> = signal(event, at).finally(() => {
        inFlight.delete(running);
        pump();
      });
      inFlight.add(running);
    }
  }

  return {
    offer(event) {
      if (queue.length >= maxQueued || Date.now() < temporalDownUntil) {
        void release(event);
        return;
      }
      queue.push({ event, at: Date.now() });
      pump();
    },
    async drain() {
      for (const { event } of queue.splice(0)) void release(event);
      await Promise.all(inFlight);
      await Promise.all(releasing);
    },
  };
}
