import { setTimeout as sleep } from 'node:timers/promises';
import type { Sql } from '../../db/client.js';

/**
 * What the inbox says about one run (its event ids share a prefix). The route
 * answers before it routes and signals, so these tell how far the signals trail
 * the answers. Read-only queries for the benchmark, on Postgres's clock.
 */
const ofRun = (prefix: string) => `${prefix}-%`;

/** Seconds from now until no event of the run is `pending` (each signalled, recorded, or stored as an orphan). */
export async function drain(sql: Sql, prefix: string, timeoutMs = 180_000): Promise<number> {
  const started = Date.now();
  const pending = async () =>
    (
      await sql<{ n: number }[]>`
        select count(*)::int as n from inbox_events where state = 'pending' and id like ${ofRun(prefix)}`
    )[0]!.n;
  while ((await pending()) > 0) {
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
  const [row] = await sql<
    { signalled: number; first: Date | null; last: Date | null; p99: number | null; max: number | null }[]
  >`
    select count(*)::int as signalled, min(received_at) as first, max(delivered_at) as last,
           percentile_disc(0.99) within group (order by extract(epoch from delivered_at - received_at))::float8 as p99,
           max(extract(epoch from delivered_at - received_at))::float8 as max
    from inbox_events where state = 'delivered' and id like ${ofRun(prefix)}`;
  const seconds = row?.first && row.last ? (row.last.getTime() - row.first.getTime()) / 1000 : 0;
  const signalled = row?.signalled ?? 0;
  return {
    signalled,
    perSecond: seconds > 0 ? signalled / seconds : 0,
    lagP99: row?.p99 ?? 0,
    lagMax: row?.max ?? 0,
  };
}

/** Rows per state over every run. */
export async function inboxStates(sql: Sql): Promise<Record<string, number>> {
  const states = await sql<{ state: string; count: number }[]>`
    select state, count(*)::int as count from inbox_events group by state order by state`;
  return Object.fromEntries(states.map((s) => [s.state, s.count]));
}
