import type { Client } from '@temporalio/client';
import type { FastifyBaseLogger } from 'fastify';
import type { Sql } from '../../db/client.js';
import { dueEvents, withRelayLock } from '../../db/inbox.js';
import { deliverEvents } from './deliver.js';

const BATCH = 200;

/**
 * Delivers due inbox events, each user's in order of arrival (several users at
 * once); returns how many were settled (signalled, or recorded).
 */
export async function deliverPending({
  sql,
  client,
  limit = BATCH,
}: {
  sql: Sql;
  client: Client;
  limit?: number;
}): Promise<number> {
  return withRelayLock(sql, async (tx) => {
    const outcomes = await deliverEvents({ sql: tx, client }, await dueEvents(tx, limit));
    return [...outcomes.values()].filter((outcome) => outcome === 'delivered' || outcome === 'recorded').length;
  });
}

export type RelayHealth = 'ok' | 'stalled';
export interface Relay {
  /** `stalled` when no pass has succeeded lately (Postgres or Temporal failing it): /readyz reports it. */
  health(): RelayHealth;
  stop(): Promise<void>;
}

/** The background relay of the API process: polls the inbox every `intervalMs` until stopped. */
export function startRelay({
  sql,
  client,
  log,
  intervalMs = 1_000,
  stallAfterMs = Math.max(10_000, 5 * intervalMs),
}: {
  sql: Sql;
  client: Client;
  log: FastifyBaseLogger;
  intervalMs?: number;
  stallAfterMs?: number;
}): Relay {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let lastSuccessAt = Date.now();
  const tick = () => {
    let backlog = false;
    running = deliverPending({ sql, client })
      .then((count) => {
        lastSuccessAt = Date.now();
        // A full batch: there is likely more behind it, so the next pass starts at once.
        backlog = count >= BATCH;
        if (count) log.info({ count }, 'relay delivered inbox events');
      })
      .catch((error: Error) => log.warn({ err: error }, 'relay pass failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, backlog ? 0 : intervalMs);
      });
  };
  timer = setTimeout(tick, intervalMs);
  return {
    health: () => (Date.now() - lastSuccessAt > stallAfterMs ? 'stalled' : 'ok'),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
