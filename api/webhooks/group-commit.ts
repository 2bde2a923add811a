import type { Db } from '../../db/client.js';
import { insertEvents, type NewInboxEvent, type StoredState } from '../../db/inbox.js';

/** `pending`: stored, to signal; `recorded` or `orphan`: stored and settled (a progress event); `duplicate`: already there. */
export type Stored = StoredState | 'duplicate';

const isDataError = (error: unknown) => /^2[23]/.test(String((error as { code?: unknown }).code ?? ''));

interface Pending {
  event: NewInboxEvent;
  body: unknown;
  raw?: Buffer;
  resolve(stored: Stored): void;
  reject(error: unknown): void;
}

export interface GroupCommit {
  /** Resolves once the event's row is committed (new, and in which state, or already there). */
  insert(event: NewInboxEvent, body: unknown, raw?: Buffer): Promise<Stored>;
  /** Waits for every batch in flight (at shutdown). */
  drain(): Promise<void>;
}

/**
 * Group commit for the inbox: requests that arrive while earlier batches are
 * being committed wait and go together in the next multi-row insert, so each
 * request still answers only after its own row is durable, at the cost of one
 * commit per batch instead of one per request. At most `maxInFlight` batches of
 * at most `maxBatch` rows run at once (a share of the pool).
 */
export function createGroupCommit({
  sql,
  maxBatch = 500,
  maxInFlight = 4,
}: {
  sql: Db;
  maxBatch?: number;
  maxInFlight?: number;
}): GroupCommit {
  let queue: Pending[] = [];
  const inFlight = new Set<Promise<void>>();
  let scheduled = false;

  async function commit(batch: Pending[]): Promise<void> {
    let inserted: Map<string, Stored>;
    try {
      inserted = await insertEvents(sql, batch);
    } catch (error) {
      // A row Postgres refuses (a data error, class 22/23) must not fail its neighbours: each goes again on its own.
      if (batch.length > 1 && isDataError(error)) return void (await Promise.all(batch.map((p) => commit([p]))));
      for (const pending of batch) pending.reject(error);
      return;
    }
    // An id twice in one batch is inserted once: its first request is the new one.
    for (const pending of batch) {
      const state = inserted.get(pending.event.id);
      inserted.delete(pending.event.id);
      pending.resolve(state ?? 'duplicate');
    }
  }

  function flush(): void {
    scheduled = false;
    while (queue.length > 0 && inFlight.size < maxInFlight) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      const running: Promise<void> = commit(batch).finally(() => {
        inFlight.delete(running);
        flush();
      });
      inFlight.add(running);
    }
  }

  return {
    insert(event, body, raw) {
      return new Promise<Stored>((resolve, reject) => {
        queue.push({ event, body, raw, resolve, reject });
        // Requests parsed in the same turn of the event loop join one batch.
        if (!scheduled && inFlight.size < maxInFlight) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    async drain() {
      while (inFlight.size > 0 || queue.length > 0) {
        if (inFlight.size === 0) flush();
        await Promise.all([...inFlight]);
      }
    },
  };
}
