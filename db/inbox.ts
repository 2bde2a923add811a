import type { Db, Sql } from './client.js';
import { datapointsOf, normaliseEventType, type KycCallback, type WebhookEnvelope } from '../smile/webhooks.js';
import { storableEvent, storableJson } from './json.js';
import { VERIFICATION_ID_PREFIX } from '../workflows/ids.js';
import { SIGNALLED_SMILE_EVENTS } from '../workflows/messages.js';

export type EventSource = 'smile' | 'smile-id';
/**
 * pending: to signal (the relay retries); delivered: signalled; recorded: routed, kept,
 * not signalled (a progress event); orphan: no running verification (or monitor) for it yet.
 */
export type EventState = 'pending' | 'delivered' | 'recorded' | 'orphan';
/** The states an event is stored in. */
export type StoredState = Exclude<EventState, 'delivered'>;

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
  /** TASK_FINISHED / ACCOUNT_SYNC_TASK_FINISHED `data.status` (SUCCEEDED, FAILED). */
  taskStatus: string | null;
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

export type NewInboxEvent = Omit<InboxEvent, 'receivedAt'>;

/**
 * Whether an event is settled the moment it is stored: a Smile event the run is
 * never signalled (a progress event) is only routed, and routing needs nothing
 * but its user, so the insert does it, and the signaller never sees the event.
 */
const recordedOnArrival = (event: NewInboxEvent) =>
  event.source === 'smile' && event.smileUserId !== null && !SIGNALLED_SMILE_EVENTS.has(event.type);

/**
 * Commits events in one multi-row insert before they are acknowledged, and
 * returns the ids it inserted with the state each was stored in: an id already
 * in the inbox (a redelivery), or repeated within the batch, inserts nothing the
 * second time. A progress event is stored `recorded` with its user's run (or
 * `orphan` for a user no run knows), which is what delivering it would write;
 * every other event is stored `pending` for the signaller and the relay. `raw`
 * (the signed bytes) is kept too when a body had to change to be stored, so
 * nothing a valid signature covers is lost.
 */
export async function insertEvents(
  sql: Db,
  rows: { event: NewInboxEvent; body: unknown; raw?: Buffer }[],
): Promise<Map<string, StoredState>> {
  // The relay leaves a fresh event to the process that received it for the grace period.
  const nextAttemptAt = new Date(Date.now() + FAST_PATH_GRACE_SECONDS * 1_000);
  const values = rows.map(({ event: original, body, raw }, i) => {
    const event = storableEvent(original);
    const stored = storableJson(body);
    return {
      i,
      id: event.id,
      source: event.source,
      type: event.type,
      smile_user_id: event.smileUserId,
      account_id: event.accountId,
      provider_id: event.providerId,
      source_type: event.sourceType,
      error_code: event.errorCode,
      datapoints: event.datapoints,
      task_status: event.taskStatus,
      has_payload: event.hasPayload,
      event_created_at: event.eventCreatedAt,
      job_id: event.jobId,
      result_code: event.resultCode,
      body: stored.value,
      raw_body: raw && stored.changed ? raw.toString('base64') : null,
      record: recordedOnArrival(event),
    };
  });
  // One statement, one parameter: the rows as JSON, each progress event's run looked up beside it.
  const inserted = await sql<{ id: string; state: StoredState }[]>`
    insert into inbox_events (
      id, source, type, smile_user_id, account_id, provider_id, source_type, error_code, datapoints,
      task_status, has_payload, event_created_at, job_id, result_code, body, raw_body, next_attempt_at,
      state, verification_id)
    select v.id, v.source, v.type, v.smile_user_id, v.account_id, v.provider_id, v.source_type, v.error_code,
      v.datapoints, v.task_status, v.has_payload, v.event_created_at, v.job_id, v.result_code, v.body,
      decode(v.raw_body, 'base64'), ${nextAttemptAt},
      case when not v.record then 'pending' when r.external_user_id is null then 'orphan' else 'recorded' end,
      ${VERIFICATION_ID_PREFIX} || r.external_user_id
    from jsonb_to_recordset(${sql.json(values as never)}) as v(
      i int, id text, source text, type text, smile_user_id text, account_id text, provider_id text,
      source_type text, error_code text, datapoints text[], task_status text, has_payload boolean,
      event_created_at text, job_id text, result_code text, body jsonb, raw_body text, record boolean)
    -- Routed as the signaller routes (externalUsersOf): by the Smile user's owner.
    left join lateral (
      select external_user_id from smile_user_owners o where v.record and o.smile_user_id = v.smile_user_id
      limit 1) r on true
    order by v.i
    on conflict (id) do nothing
    returning id, state`;
  return new Map(inserted.map((row) => [row.id, row.state]));
}

/** Hands fresh events to the relay at once (the receiving process will not signal them). */
export async function releaseToRelay(sql: Db, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await sql`update inbox_events set next_attempt_at = now() where id = any(${ids}) and state = 'pending'`;
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

export interface EventMark {
  id: string;
  state: EventState;
  verificationId?: string;
  error?: string;
}

/** Records what became of delivered events, in one statement; a `pending` one waits for its backoff. */
export async function markEvents(sql: Db, marks: EventMark[]): Promise<void> {
  if (marks.length === 0) return;
  const rows = marks.map((m) => ({ id: m.id, state: m.state, vid: m.verificationId ?? null, err: m.error ?? null }));
  await sql`
    update inbox_events e set
      state = m.state,
      verification_id = coalesce(m.vid, e.verification_id),
      attempts = e.attempts + 1,
      last_error = m.err,
      delivered_at = case when m.state = 'delivered' then now() else e.delivered_at end,
      -- exponential backoff for the relay: 1 s, 2 s, 4 s … at most 5 minutes
      next_attempt_at = now() + least(interval '5 minutes', interval '1 second' * power(2, least(e.attempts, 12)))
    from (select * from jsonb_to_recordset(${sql.json(rows)}) as x(id text, state text, vid text, err text)) m
    where e.id = m.id`;
}

/** An inbox row (`inbox_events e`) as an `InboxEvent`: the one place the columns are mapped. */
const eventColumns = (sql: Db) => sql`
  e.id, e.source, e.type, e.smile_user_id as "smileUserId", e.account_id as "accountId",
  e.provider_id as "providerId", e.source_type as "sourceType", e.error_code as "errorCode", e.datapoints,
  e.task_status as "taskStatus", e.has_payload as "hasPayload", e.event_created_at as "eventCreatedAt",
  e.job_id as "jobId", e.result_code as "resultCode", e.received_at as "receivedAt"`;

/**
 * What the relay should deliver, in order of arrival: pending events that are
 * due (with the older pending events of the same user), and orphans that came while their user's running verification was
 * already running (Temporal could not find it at that moment). An event
 * received before a run started is never delivered to it: it belongs to no run,
 * and is kept for audit until it expires.
 */
export async function dueEvents(sql: Db, limit: number): Promise<InboxEvent[]> {
  return sql<InboxEvent[]>`
    select ${eventColumns(sql)}
    from inbox_events e
    where (e.state = 'pending' and (e.next_attempt_at <= now()
           -- A user's pending events are one queue, delivered from its oldest: when a newer one is
           -- due, the older ones still backing off go first, so none overtakes another after an outage.
           or exists (
             select 1 from inbox_events d
             where d.smile_user_id = e.smile_user_id and d.state = 'pending' and d.seq > e.seq
               and d.next_attempt_at <= now())))
       or (e.state = 'orphan' and exists (
             select 1 from verifications v
             where v.smile_user_id = e.smile_user_id and v.closed_at is null and e.received_at >= v.created_at))
    order by e.seq
    limit ${limit}
    -- Rows another transaction holds are left to it.
    for update of e skip locked`;
}

/**
 * The older pending events of the users of `ids` (not among them) that are the
 * relay's (they failed an attempt, or were handed over), oldest first: the fast
 * path delivers them before its own, so a newer event never overtakes an older
 * one that is waiting out a backoff after an outage. A fresh one (in another
 * fast-path batch) is left alone.
 */
export async function olderPendingOf(sql: Db, ids: string[]): Promise<InboxEvent[]> {
  if (ids.length === 0) return [];
  return sql<InboxEvent[]>`
    select ${eventColumns(sql)}
    from inbox_events e
    where e.state = 'pending' and not (e.id = any(${ids})) and (e.attempts > 0 or e.next_attempt_at <= now())
      and exists (
        select 1 from inbox_events n
        where n.id = any(${ids}) and n.smile_user_id = e.smile_user_id and n.seq > e.seq)
    order by e.seq`;
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

const str = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : null);

/** What the inbox keeps of a Smile webhook besides its body: parsed here, once, at the route. */
export function smileInboxEvent(envelope: WebhookEnvelope): NewInboxEvent {
  const data = envelope.data as Record<string, unknown>;
  const providers = Array.isArray(data.providers) ? data.providers : [];
  const payload = data.payload;
  return {
    id: envelope.id,
    source: 'smile',
    type: normaliseEventType(envelope.type),
    smileUserId: str(data.userId),
    accountId: str(data.accountId) ?? str(data.sourceId) ?? str(data.archiveId),
    providerId: str(data.providerId) ?? str(providers[0]),
    sourceType: str(data.sourceType),
    errorCode: str(data.errorCode),
    datapoints: datapointsOf(data),
    taskStatus: str(data.status),
    hasPayload: typeof payload === 'object' && payload !== null && Object.keys(payload).length > 0,
    eventCreatedAt: envelope.createdAt,
    jobId: null,
    resultCode: null,
  };
}

/** A KYC callback's inbox columns; its id is unique per job and result, so a redelivery is a duplicate. */
export function kycInboxEvent(callback: KycCallback): NewInboxEvent {
  const jobId = callback.PartnerParams.job_id;
  return {
    id: `sid-${jobId}-${callback.ResultCode}`,
    source: 'smile-id',
    type: 'KYC_RESULT',
    smileUserId: callback.PartnerParams.user_id ?? null,
    accountId: null,
    providerId: null,
    sourceType: null,
    errorCode: null,
    datapoints: null,
    taskStatus: null,
    hasPayload: false,
    eventCreatedAt: null,
    jobId,
    resultCode: callback.ResultCode,
  };
}
