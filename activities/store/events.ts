import type { Db } from './db.js';

export type EventSource = 'smile' | 'smile-id' | 'widget';
/**
 * pending: to signal (the relay retries); delivered: signalled; recorded: routed, kept,
 * not signalled (a progress event); orphan: no running verification for it yet.
 */
export type EventState = 'pending' | 'delivered' | 'recorded' | 'orphan' | 'closed';

export interface InboxEvent {
  id: string;
  source: EventSource;
  type: string;
  smileUserId: string | null;
  body: unknown;
}

/**
 * How long the relay leaves a fresh event to the process that received it (that
 * process signals it right after answering): within this, only one of them signals.
 */
export const FAST_PATH_GRACE_SECONDS = 10;

/** Commits an event before it is acknowledged; a duplicate id inserts nothing and says so. */
export async function insertEvent(sql: Db, event: InboxEvent): Promise<'inserted' | 'duplicate'> {
  const rows = await sql`
    insert into inbox_events (id, source, type, smile_user_id, body, next_attempt_at)
    values (${event.id}, ${event.source}, ${event.type}, ${event.smileUserId}, ${sql.json(event.body as never)},
            now() + ${FAST_PATH_GRACE_SECONDS} * interval '1 second')
    on conflict (id) do nothing
    returning id`;
  return rows.length === 1 ? 'inserted' : 'duplicate';
}

/** Hands a fresh event to the relay at once (the receiving process will not signal it). */
export async function releaseToRelay(sql: Db, id: string): Promise<void> {
  await sql`update inbox_events set next_attempt_at = now() where id = ${id} and state = 'pending'`;
}

export async function loadEventBody(sql: Db, id: string): Promise<unknown> {
  const [row] = await sql<{ body: unknown }[]>`select body from inbox_events where id = ${id}`;
  return row?.body;
}

/** The external user a Smile user belongs to, if any verification ever started for them. */
export async function externalUserOf(sql: Db, smileUserId: string): Promise<string | undefined> {
  const [row] = await sql<{ external_user_id: string }[]>`select external_user_id from smile_users where smile_user_id = ${smileUserId}`;
  return row?.external_user_id;
}

export async function markEvent(
  sql: Db,
  id: string,
  state: EventState,
  { verificationId, error }: { verificationId?: string; error?: string } = {},
): Promise<void> {
  await sql`
    update inbox_events set
      state = ${state},
      verification_id = coalesce(${verificationId ?? null}, verification_id),
      attempts = attempts + 1,
      last_error = ${error ?? null},
      delivered_at = case when ${state} = 'delivered' then now() else delivered_at end,
      -- exponential backoff for the relay: 1 s, 2 s, 4 s … at most 5 minutes
      next_attempt_at = now() + least(interval '5 minutes', interval '1 second' * power(2, least(attempts, 12)))
    where id = ${id}`;
}

export interface PendingEvent {
  id: string;
  source: EventSource;
  body: unknown;
}

export interface DueEvent extends PendingEvent {
  smileUserId: string | null;
}

/**
 * What the relay should deliver, in order of arrival: pending events that are
 * due, and orphans whose user has a verification that started after they came.
 */
export async function dueEvents(sql: Db, limit: number): Promise<DueEvent[]> {
  return sql<DueEvent[]>`
    select e.id, e.source, e.body, e.smile_user_id as "smileUserId" from inbox_events e
    where (e.state = 'pending' and e.next_attempt_at <= now())
       or (e.state = 'orphan' and exists (
             select 1 from verifications v
             where v.smile_user_id = e.smile_user_id and v.closed_at is null and v.created_at > e.received_at - interval '1 second'))
    order by e.seq
    limit ${limit}
    -- Rows another transaction holds are left to it.
    for update of e skip locked`;
}

export async function inboxDepth(sql: Db): Promise<number> {
  const [row] = await sql<{ count: string }[]>`select count(*) from inbox_events where state = 'pending'`;
  return Number(row?.count ?? 0);
}
