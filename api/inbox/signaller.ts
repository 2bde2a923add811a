import type { Client } from '@temporalio/client';
import type { Sql } from '../../db/client.js';
import { FAST_PATH_GRACE_SECONDS, releaseToRelay, type InboxEvent } from '../../db/inbox.js';
import { deliverEvents } from './deliver.js';

/** After Temporal failed to answer, the relay alone signals for this long: the events are safe in the inbox. */
const BREAKER_MS = 5_000;
/** An event that waited this long here goes to the relay instead, well inside the relay's grace for fresh events. */
const MAX_WAIT_MS = (FAST_PATH_GRACE_SECONDS * 1_000) / 4;

export interface Signaller {
  /** Signals a freshly stored inbox event soon, without making the webhook's answer wait for it. */
  offer(event: InboxEvent): void;
  /** Waits for the batches in flight and hands the queued events to the relay (at shutdown). */
  drain(): Promise<void>;
}

/**
 * The fast path from inbox to workflow. Smile gets its 200 once the event is
 * committed; the signal follows here: what arrived meanwhile goes as one batch
 * (routed in one query, marked in one statement, each workflow's events in
 * order), at most `maxInFlight` batches at a time. The relay leaves fresh events
 * alone for `FAST_PATH_GRACE_SECONDS`, so the two never signal the same event;
 * whatever this path gives up on (a full queue, Temporal failing, the process
 * dying) the relay delivers, in order of arrival.
 */
export function createSignaller({
  sql,
  client,
  maxInFlight = 2,
  maxBatch = 200,
  maxQueued = 2_000,
}: {
  sql: Sql;
  client: Client;
  maxInFlight?: number;
  maxBatch?: number;
  maxQueued?: number;
}): Signaller {
  let queue: { event: InboxEvent; at: number }[] = [];
  const inFlight = new Set<Promise<void>>();
  let temporalDownUntil = 0;

  /** Hands events to the relay now; if even that fails, the relay takes them after the grace. */
  const release = (events: InboxEvent[]): Promise<void> =>
    releaseToRelay(
      sql,
      events.map((e) => e.id),
    ).catch(() => {});

  async function deliver(batch: { event: InboxEvent; at: number }[]): Promise<void> {
    const now = Date.now();
    // While Temporal is down, and for events that waited too long here, the relay takes over.
    const toRelay = ({ at }: { at: number }) => now < temporalDownUntil || now - at > MAX_WAIT_MS;
    const stale = batch.filter(toRelay).map((q) => q.event);
    const fresh = batch.filter((q) => !toRelay(q)).map((q) => q.event);
    const outcomes = await deliverEvents({ sql, client }, fresh).catch(() => undefined);
    const undelivered = fresh.filter((event) => (outcomes?.get(event.id) ?? 'pending') === 'pending');
    if (undelivered.length > 0) temporalDownUntil = Date.now() + BREAKER_MS;
    await release([...stale, ...undelivered]);
  }

  function pump(): void {
    while (inFlight.size < maxInFlight && queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      const running: Promise<void> = deliver(batch).finally(() => {
        inFlight.delete(running);
        pump();
      });
      inFlight.add(running);
    }
  }

  return {
    offer(event) {
      if (queue.length >= maxQueued || Date.now() < temporalDownUntil) {
        void release([event]);
        return;
      }
      queue.push({ event, at: Date.now() });
      // Idle: deliver at once. Busy: what arrives meanwhile waits and goes as the next batch.
      pump();
    },
    async drain() {
      const queued = queue.map((q) => q.event);
      queue = [];
      await Promise.all([...inFlight, release(queued)]);
    },
  };
}
