import type { Db, Sql } from './db.js';
import { storableEvent, storableJson } from './json.js';

export type EventSource = 'smile' | 'smile-id';
/**
 * pending: to signal (the relay retries); delivered: signalled; recorded: routed, kept,
 * not signalled (a progress event); orphan: no running verification for it yet.
 */
export type EventState = 'pending' | 'delivered' | 'recorded' | 'orphan';

/**
 * One webhook as the route parsed it: the columns later steps route, signal and
 * store by, so none of them parses the body again.
 */
export interface InboxEvent {
  id: string;
  source: EventSource;
  /** Normalised event type (`EMPLOYMENTS_ADDED`), or `KYC_RESULT`. */
  type: string;
  smileUserId: string | null;
  accountId: string | null;
  providerId: string | null;
  sourceType: string | null;
  errorCode: string | null;
  datapoints: string[] | null;
  hasPayload: boolean;
  /** The envelope's `createdAt`, as Smile wrote it. */
  eventCreatedAt: string | null;
  jobId: string | null;
  resultCode: string | null;
  receivedAt: Date;
}

/**
 * How long the relay leaves a fresh event to the process that received it (that
 * process signals it right after answering): within this, only one of them signals.
 */
export const FAST_PATH_GRACE_SECONDS = 10;

/**
 * Commits an event before it is acknowledged; a duplicate id inserts nothing and
 * says so. `raw` (the signed bytes) is kept too when the body had to change to
 * be stored, so nothing a valid signature covers is lost.
 */
export async function insertEvent(
  sql: Db,
  original: Omit<InboxEvent, 'receivedAt'>,
  body: unknown,
  raw?: Buffer,
): Promise<'inserted' | 'duplicate'> {
  const event = storableEvent(original);
  const stored = storableJson(body);
  const rawBody = raw && stored.changed ? raw : null;
  const rows = await sql`
    insert into inbox_events (id, source, type, smile_user_id, account_id, provider_id, source_type, error_code,
                              datapoints, has_payload, event_created_at, job_id, result_code, body, raw_body,
                              next_attempt_at)
    values (${event.id}, ${event.source}, ${event.type}, ${event.smileUserId}, ${event.accountId}, ${event.providerId},
            ${event.sourceType}, ${event.errorCode}, ${event.datapoints}, ${event.hasPayload}, ${event.eventCreatedAt},
            ${event.jobId}, ${event.resultCode}, ${sql.json(stored.value as never)}, ${rawBody},
            now() + ${FAST_PATH_GRACE_SECONDS} * interval '1 second')
    on conflict (id) do nothing
    returning id`;
  return rows.length === 1 ? 'inserted' : 'duplicate';
}

/** Hands a fresh event to the relay at once (the receiving process will not signal it). */
export async function releaseToRelay(sql: Db, id: string): Promise<void> {
  await sql`update inbox_events set next_attempt_at = now() where id = ${id} and state = 'pending'`;
}

/** A TASK_FINISHED event's synced data, as the inbox holds it: whose, from which account, and the payload. */
export async function loadTaskPayload(
  sql: Db,
  id: string,
): Promise<{ smileUserId: string | null; accountId: string | null; payload: unknown } | undefined> {
  const [row] = await sql<{ smileUserId: string | null; accountId: string | null; payload: unknown }[]>`
    select smile_user_id as "smileUserId", account_id as "accountId", body->'data'->'payload' as payload
    from inbox_events where id = ${id}`;
  return row;
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

/**
 * What the relay should deliver, in order of arrival: pending events that are
 * due, and orphans whose user has a verification that started after they came.
 */
export async function dueEvents(sql: Db, limit: number): Promise<InboxEvent[]> {
  return sql<InboxEvent[]>`
    select e.id, e.source, e.type, e.smile_user_id as "smileUserId", e.account_id as "accountId",
           e.provider_id as "providerId", e.source_type as "sourceType", e.error_code as "errorCode", e.datapoints,
           e.has_payload as "hasPayload", e.event_created_at as "eventCreatedAt", e.job_id as "jobId",
           e.result_code as "resultCode", e.received_at as "receivedAt"
    from inbox_events e
    where (e.state = 'pending' and e.next_attempt_at <= now())
       or (e.state = 'orphan' and exists (
             select 1 from verifications v
             where v.smile_user_id = e.smile_user_id and v.closed_at is null and v.created_at > e.received_at - interval '1 second'))
    order by e.seq
    limit ${limit}
    -- Rows another transaction holds are left to it.
    for update of e skip locked`;
}

/** One relay at a time across every API process: a transaction-scoped advisory lock. */
const RELAY_LOCK = 4_711_2027;

/** Runs `pass` in a transaction holding the relay lock; 0 without running it when another process holds the lock. */
export async function withRelayLock(sql: Sql, pass: (tx: Db) => Promise<number>): Promise<number> {
  return sql.begin(async (tx) => {
    const [lock] = await tx<{ locked: boolean }[]>`select pg_try_advisory_xact_lock(${RELAY_LOCK}) as locked`;
    return lock?.locked ? pass(tx) : 0;
  });
}

/** Events waiting for the relay, and how long the oldest has waited (for /metrics). */
export async function inboxDepth(sql: Db): Promise<{ pending: number; lagSeconds: number }> {
  const [row] = await sql<{ pending: number; lagSeconds: number | null }[]>`
    select count(*)::int as pending, extract(epoch from now() - min(received_at))::float8 as "lagSeconds"
    from inbox_events where state = 'pending'`;
  return { pending: row?.pending ?? 0, lagSeconds: row?.lagSeconds ?? 0 };
}
