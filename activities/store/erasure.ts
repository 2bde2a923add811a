import type { Db } from './db.js';
import { eraseDecisionEvidence, erasesOnDisconnect } from './decisions.js';

export interface ErasureCounts {
  datapoints: number;
  applicants: number;
  eventPayloads: number;
}

/**
 * Erases a verification's user's personal data (SPEC §3): synced data, the
 * applicant of every request, webhook payloads, and the inputs and findings
 * kept with decisions. Decisions (outcome, reasons, rules, evidence hash) and
 * status documents (no personal data) stay; an audit row records the erasure and
 * the name of the key that asked for it (null for the retention purge and disconnects).
 * Undefined when the verification is unknown.
 */
export async function eraseUserData(
  sql: Db,
  verificationId: string,
  keyName: string | null = null,
): Promise<ErasureCounts | undefined> {
  const inTransaction = (fn: (tx: Db) => Promise<ErasureCounts | undefined>) =>
    'begin' in sql ? sql.begin(fn) : fn(sql);
  return inTransaction(async (tx) => {
    const [run] = await tx<{ external_user_id: string; smile_user_id: string | null }[]>`
      select external_user_id, smile_user_id from verifications where verification_id = ${verificationId} order by created_at desc limit 1`;
    if (!run) return undefined;
    const smileUserId = run.smile_user_id ?? '';
    const datapoints = await tx`delete from datapoints where smile_user_id = ${smileUserId}`;
    await eraseDecisionEvidence(tx, smileUserId);
    const applicants =
      await tx`update verification_requests set applicant = null where external_user_id = ${run.external_user_id} and applicant is not null`;
    const eventPayloads =
      await tx`update inbox_events set body = null, raw_body = null where smile_user_id = ${smileUserId} and body is not null`;
    const counts = { datapoints: datapoints.count, applicants: applicants.count, eventPayloads: eventPayloads.count };
    await tx`insert into erasures (verification_id, smile_user_id, counts, key_name)
             values (${verificationId}, ${run.smile_user_id}, ${tx.json(counts)}, ${keyName})`;
    return counts;
  });
}

/**
 * ACCOUNT_DISCONNECTED after a decision: erase the user's data when the decided
 * run's policy asked for it (`eraseOnDisconnect`). Before a decision the running
 * workflow handles the event (back to waiting).
 */
export async function eraseIfDisconnectErases(sql: Db, verificationId: string): Promise<void> {
  if (await erasesOnDisconnect(sql, verificationId)) await eraseUserData(sql, verificationId);
}
