import type { Db } from './client.js';

/**
 * Read-only queries the benchmarks measure with (bench/): how fast webhooks
 * become decisions, how far the inbox's signals trail its answers, what the
 * database holds. Timed on Postgres's clock, where the rows were written.
 */

/** Inbox rows of one benchmark run share an id prefix. */
const ofRun = (prefix: string) => `${prefix}-%`;

/** For each decided Smile user: ms from its TASK_FINISHED's arrival to the decision, the outcome, and when (epoch ms). */
export async function decisionLatencies(
  sql: Db,
  smileUserIds: string[],
): Promise<{ smileUserId: string; ms: number; outcome: string; decidedAt: number }[]> {
  const rows = await sql<{ smileUserId: string; ms: number; outcome: string; decidedAt: number }[]>`
    select d.smile_user_id as "smileUserId", d.outcome,
           extract(epoch from d.evaluated_at - i.received_at) * 1000 as ms,
           extract(epoch from d.evaluated_at) * 1000 as "decidedAt"
    from decisions d
    join inbox_events i on i.smile_user_id = d.smile_user_id and i.type = 'TASK_FINISHED'
    where d.smile_user_id = any(${smileUserIds})`;
  return rows.map((r) => ({ ...r, ms: Number(r.ms), decidedAt: Number(r.decidedAt) }));
}

/** Rows inserted, updated and deleted so far, and the database's size (pg_stat_database lags up to 10 s). */
export async function databaseCounters(sql: Db): Promise<{ rows: number; bytes: number }> {
  const [row] = await sql<{ rows: string; bytes: string }[]>`
    select tup_inserted + tup_updated + tup_deleted as rows, pg_database_size(current_database()) as bytes
    from pg_stat_database where datname = current_database()`;
  return { rows: Number(row!.rows), bytes: Number(row!.bytes) };
}

/** Events of a run still `pending` in the inbox. */
export async function pendingEvents(sql: Db, prefix: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from inbox_events where state = 'pending' and id like ${ofRun(prefix)}`;
  return row!.n;
}

/** A run's delivered events: how many, from the first received to the last signalled, and the lag's p99 and max (s). */
export async function deliveryTimes(
  sql: Db,
  prefix: string,
): Promise<{ signalled: number; first: Date | null; last: Date | null; p99: number | null; max: number | null }> {
  const [row] = await sql<
    { signalled: number; first: Date | null; last: Date | null; p99: number | null; max: number | null }[]
  >`
    select count(*)::int as signalled, min(received_at) as first, max(delivered_at) as last,
           percentile_disc(0.99) within group (order by extract(epoch from delivered_at - received_at))::float8 as p99,
           max(extract(epoch from delivered_at - received_at))::float8 as max
    from inbox_events where state = 'delivered' and id like ${ofRun(prefix)}`;
  return row ?? { signalled: 0, first: null, last: null, p99: null, max: null };
}

/** Inbox rows per state. */
export async function inboxStates(sql: Db): Promise<Record<string, number>> {
  const states = await sql<{ state: string; count: number }[]>`
    select state, count(*)::int as count from inbox_events group by state order by state`;
  return Object.fromEntries(states.map((s) => [s.state, s.count]));
}
