import {
  CLOSED_STATUSES,
  type CallbackResult,
  type CallbackType,
  type Decision,
  type Monitoring,
  type StatusDocument,
} from '../workflows/types.js';
import type { Db, Sql } from './client.js';
import type { UserErasure } from './user-erasures.js';

/**
 * Upserts the run's row from the workflow's status document. A retried or late
 * write never overwrites a newer one (`updated_at` only moves forward).
 */
export async function recordVerification(
  sql: Db,
  {
    runId,
    requestId,
    document,
    traceParent = null,
  }: { runId: string; requestId: string; document: StatusDocument; traceParent?: string | null },
): Promise<void> {
  const closedAt = CLOSED_STATUSES.includes(document.status) ? document.updatedAt : null;
  await sql`
    insert into verifications (run_id, verification_id, external_user_id, request_id, smile_user_id,
                               status, decision, status_document, created_at, updated_at, closed_at, trace_parent)
    values (${runId}, ${document.verificationId}, ${document.externalUserId}, ${requestId}, ${document.smileUserId},
            ${document.status}, ${document.decision?.outcome ?? null}, ${sql.json(document as never)},
            ${document.createdAt}, ${document.updatedAt}, ${closedAt}, ${traceParent})
    on conflict (run_id) do update set
      trace_parent = coalesce(verifications.trace_parent, excluded.trace_parent),
      smile_user_id = excluded.smile_user_id,
      status = excluded.status,
      decision = excluded.decision,
      status_document = excluded.status_document,
      updated_at = excluded.updated_at,
      closed_at = excluded.closed_at
    where verifications.updated_at <= excluded.updated_at`;
}

/** The trace the newest run of a verification runs in (its `traceparent`), when tracing recorded one. */
export async function traceParentOf(sql: Db, verificationId: string): Promise<string | undefined> {
  const [row] = await sql<{ trace_parent: string | null }[]>`
    select trace_parent from verifications where verification_id = ${verificationId}
    order by created_at desc limit 1`;
  return row?.trace_parent ?? undefined;
}

export interface StoredVerification {
  runId: string;
  status: StatusDocument['status'];
  document: StatusDocument;
  closed: boolean;
  /** The user's latest erasure, when one was ever asked for. */
  erasure?: UserErasure;
}

/** The newest run of a verification id, running or closed, and the user's latest erasure. */
export async function latestVerification(sql: Db, verificationId: string): Promise<StoredVerification | undefined> {
  const [row] = await sql<
    {
      run_id: string;
      status: StatusDocument['status'];
      status_document: StatusDocument;
      closed_at: Date | null;
      erasure_requested_at: Date | null;
      erasure_finished_at: Date | null;
    }[]
  >`
    select v.run_id, v.status, v.status_document, v.closed_at,
           u.requested_at as erasure_requested_at, u.finished_at as erasure_finished_at
    from verifications v left join user_erasures u on u.external_user_id = v.external_user_id
    where v.verification_id = ${verificationId}
    order by v.created_at desc limit 1`;
  if (!row) return undefined;
  const stored: StoredVerification = {
    runId: row.run_id,
    status: row.status,
    document: row.status_document,
    closed: row.closed_at !== null,
  };
  if (row.erasure_requested_at)
    stored.erasure = {
      status: row.erasure_finished_at ? 'ERASED' : 'ERASING',
      requestedAt: row.erasure_requested_at.toISOString(),
      ...(row.erasure_finished_at ? { finishedAt: row.erasure_finished_at.toISOString() } : {}),
    };
  return stored;
}

/**
 * A result callback's outcome, written into the run's stored status document
 * (`callback`). A `verification.review_required` delivery that ends after the
 * run closed leaves the closed document's `callback` to the messages sent since
 * (its attempts stay in callback_deliveries).
 */
export async function recordCallbackOutcome(
  sql: Db,
  { runId, callback, type }: { runId: string; callback: CallbackResult; type?: CallbackType },
): Promise<void> {
  const current = type !== 'verification.review_required';
  await sql`
    update verifications
    set status_document = jsonb_set(status_document, '{callback}', ${sql.json(callback as never)})
    where run_id = ${runId} and (${current} or status = 'IN_REVIEW')`;
}

/** A run's stored status document: what its result callback sends. */
export async function statusDocumentOf(sql: Db, runId: string): Promise<StatusDocument | undefined> {
  const [row] = await sql<
    { status_document: StatusDocument }[]
  >`select status_document from verifications where run_id = ${runId}`;
  return row?.status_document;
}

/** The verifications the given runs belong to. */
export async function verificationsOfRuns(sql: Db, runIds: string[]): Promise<Map<string, string>> {
  if (runIds.length === 0) return new Map();
  const rows = await sql<{ run_id: string; verification_id: string }[]>`
    select run_id, verification_id from verifications where run_id = any(${runIds})`;
  return new Map(rows.map((row) => [row.run_id, row.verification_id]));
}

/** Rewrites the runs' stored status documents through `scrub` (erasure, retention); the number changed. */
export async function scrubStatusDocuments(
  sql: Db,
  runIds: string[],
  scrub: (document: StatusDocument) => StatusDocument,
): Promise<number> {
  if (runIds.length === 0) return 0;
  const rows = await sql<{ run_id: string; status_document: StatusDocument }[]>`
    select run_id, status_document from verifications where run_id = any(${runIds})`;
  let changed = 0;
  for (const row of rows) {
    const scrubbed = scrub(row.status_document);
    if (JSON.stringify(scrubbed) === JSON.stringify(row.status_document)) continue;
    await sql`update verifications set status_document = ${sql.json(scrubbed as never)} where run_id = ${row.run_id}`;
    changed++;
  }
  return changed;
}

export interface MonitoringRecord {
  /** The monitored run (the verification's first run id). */
  runId: string;
  verificationId: string;
  externalUserId: string;
  smileUserId: string;
  /** Bumped by the monitor on each write: a retried or late write of an older revision changes nothing. */
  revision: number;
  monitoring: Monitoring;
  /** The new decision, when the monitor's re-evaluation changed it. */
  decision?: Decision;
}

/**
 * A monitor's state, written into its run's stored status document
 * (`monitoring`, and `decision` on a change) and its `monitors` row, in one
 * transaction. The row's revision only moves forward, so a write never
 * replaces a newer one.
 */
export async function recordMonitoring(sql: Sql, record: MonitoringRecord): Promise<boolean> {
  const { runId, monitoring, decision } = record;
  return sql.begin(async (tx) => {
    const [row] = await tx<{ run_id: string }[]>`
      insert into monitors (run_id, verification_id, external_user_id, smile_user_id, status, until, revision,
                            ended_at, ended_reason)
      values (${runId}, ${record.verificationId}, ${record.externalUserId}, ${record.smileUserId},
              ${monitoring.status}, ${monitoring.until}, ${record.revision}, ${monitoring.endedAt ?? null},
              ${monitoring.endedReason ?? null})
      on conflict (run_id) do update set
        status = excluded.status, revision = excluded.revision, updated_at = now(),
        ended_at = excluded.ended_at, ended_reason = excluded.ended_reason
      where monitors.revision < excluded.revision
      returning run_id`;
    if (!row) return false;
    const patch = { monitoring, ...(decision ? { decision } : {}) };
    // The `decision` column follows the document's, so search finds the run by its current outcome.
    await tx`
      update verifications set status_document = status_document || ${tx.json(patch as never)},
                               decision = coalesce(${decision?.outcome ?? null}::text, decision)
      where run_id = ${runId}`;
    return true;
  });
}
