import type { Db } from './client.js';
import { countsOf, eraseRuns, eraseUserRows, inTransaction, recordErasure, type ErasureCounts } from './erasure.js';

export interface RetentionBatch {
  /** Runs purged in this batch. */
  runs: number;
  /** Users whose shared data (synced rows, webhook bodies) went too. */
  users: number;
  counts: Omit<ErasureCounts, 'accountsRevoked'>;
  /** The Smile accounts of the users whose shared data went: the purge revokes them at Smile too. Ids only. */
  accounts: string[];
}

interface DueRun {
  run_id: string;
  verification_id: string;
  external_user_id: string;
  smile_user_id: string | null;
}

/**
 * One batch of the retention purge: runs closed more than
 * `retentionDays` ago and not yet purged, oldest first, at most `limit`, each
 * locked (`skip locked`: two purges never take the same run).
 *
 * A run's own data goes with it: its decision's inputs and findings, its
 * callback message bodies, its status document's personal fields, its KYC
 * callbacks. A user's shared data (synced datapoints and Smile webhook bodies,
 * keyed by Smile user and account, and the user's older applicants) goes only
 * when no other unpurged run of that user still needs it: one open, closed
 * within the retention period, or with an active monitor (see docs/security.md).
 */
export async function purgeExpiredRuns(
  sql: Db,
  { retentionDays, limit }: { retentionDays: number; limit: number },
): Promise<RetentionBatch> {
  return inTransaction(sql, async (tx) => {
    const [{ cutoff } = { cutoff: new Date() }] = await tx<{ cutoff: Date }[]>`
      select now() - make_interval(days => ${retentionDays}) as cutoff`;
    const due = await tx<DueRun[]>`
      select run_id, verification_id, external_user_id, smile_user_id from verifications
      where purged_at is null and closed_at < ${cutoff}
        and coalesce(status_document->'monitoring'->>'status', '') <> 'ACTIVE'
      order by closed_at limit ${limit}
      for update skip locked`;
    const counts = {
      datapoints: 0,
      applicants: 0,
      eventPayloads: 0,
      callbackMessages: 0,
      decisionEvidence: 0,
      statusDocuments: 0,
    };
    const byUser = new Map<string, DueRun[]>();
    for (const run of due) byUser.set(run.verification_id, [...(byUser.get(run.verification_id) ?? []), run]);
    let users = 0;
    const accounts: string[] = [];
    for (const [verificationId, runs] of byUser) {
      const runIds = runs.map((run) => run.run_id);
      const perRun = await eraseRuns(tx, runIds);
      const [{ needed } = { needed: true }] = await tx<{ needed: boolean }[]>`
        select exists (
          select 1 from verifications
          where verification_id = ${verificationId} and purged_at is null and not (run_id = any(${runIds}))
            and (closed_at is null or closed_at >= ${cutoff}
                 or coalesce(status_document->'monitoring'->>'status', '') = 'ACTIVE')) as needed`;
      const smileUserIds = [...new Set(runs.flatMap((run) => (run.smile_user_id ? [run.smile_user_id] : [])))];
      const perUser = needed
        ? { datapoints: 0, eventPayloads: 0, applicants: 0 }
        : await eraseUserRows(tx, {
            verificationId,
            smileUserIds,
            // A request made since the cutoff may be starting a run that is not recorded yet.
            requestsOf: { externalUserId: runs[0]!.external_user_id, before: cutoff },
          });
      if (!needed) {
        users++;
        const named = await tx<{ account_id: string }[]>`
          select distinct a->>'accountId' as account_id
          from verifications v cross join jsonb_array_elements(coalesce(v.status_document->'accounts', '[]'::jsonb)) a
          where v.verification_id = ${verificationId} and a->>'accountId' is not null`;
        accounts.push(...named.map((row) => row.account_id));
      }
      await tx`update verifications set purged_at = now() where run_id = any(${runIds})`;
      const runCounts = countsOf(perRun, perUser);
      await recordErasure(
        tx,
        {
          verificationId,
          smileUserId: runs[0]!.smile_user_id,
          counts: { ...runCounts, accountsRevoked: 0 },
          keyName: null,
        },
        'retention',
      );
      for (const key of Object.keys(counts) as (keyof typeof counts)[]) counts[key] += runCounts[key];
    }
    return { runs: due.length, users, counts, accounts: [...new Set(accounts)].sort() };
  });
}

/** How long an event no run took (an orphan) is kept, for audit, before it goes with its body. */
export const ORPHAN_RETENTION_DAYS = 30;

/** Deletes up to `limit` orphan events older than ORPHAN_RETENTION_DAYS, oldest first; how many went. */
export async function expireOrphanEvents(sql: Db, { limit }: { limit: number }): Promise<number> {
  const deleted = await sql`
    delete from inbox_events where id in (
      select id from inbox_events
      where state = 'orphan' and received_at < now() - make_interval(days => ${ORPHAN_RETENTION_DAYS})
      order by seq limit ${limit}
      for update skip locked)`;
  return deleted.count;
}
