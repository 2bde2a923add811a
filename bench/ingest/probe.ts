import { setTimeout as sleep } from 'node:timers/promises';
import type { Sql } from '../../db/client.js';
import { deliveryTimes, pendingEvents } from '../../db/measurements.js';

export { inboxStates } from '../../db/measurements.js';

/**
 * What the inbox says about one run (its event ids share a prefix). The route
 * answers before it routes and signals, so these tell how far the signals trail
 * the answers.
 */

/** Seconds from now until no event of the run is `pending` (each signalled, recorded, or stored as an orphan). */
export async function drain(sql: Sql, prefix: string, timeoutMs = 180_000): Promise<number> {
  const started = Date.now();
  while ((await pendingEvents(sql, prefix)) > 0) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`events of ${prefix} still pending after ${timeoutMs / 1000} s`);
    await sleep(100);
  }
  return (Date.now() - started) / 1000;
}

export interface SignalStats {
  /** Events of the run signalled to their workflow. */
  signalled: number;
  /** Signalled events per second, from the first event received to the last signalled. */
  perSecond: number;
  /** Seconds from an event's commit to its signal: p99 and the slowest. */
  lagP99: number;
  lagMax: number;
}

export async function signalStats(sql: Sql, prefix: string): Promise<SignalStats> {
  const row = await deliveryTimes(sql, prefix);
  const seconds = row.first && row.last ? (row.last.getTime() - row.first.getTime()) / 1000 : 0;
  return {
    signalled: row.signalled,
    perSecond: seconds > 0 ? row.signalled / seconds : 0,
    lagP99: row.p99 ?? 0,
    lagMax: row.max ?? 0,
  };
}
