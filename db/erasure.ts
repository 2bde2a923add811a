import type { StatusDocument } from '../workflows/types.js';
import { kycJobId } from '../workflows/ids.js';
import type { Db } from './client.js';
import { ERASED_MESSAGE, eraseDecisionEvidence } from './decisions.js';
import { scrubStatusDocuments } from './verifications.js';

export interface ErasureCounts {
  datapoints: number;
  applicants: number;
  /** Webhook and KYC callback bodies (the inbox rows and their ids stay, so a redelivery is still a duplicate). */
  eventPayloads: number;
  callbackMessages: number;
  /** Decisions whose inputs and findings went. */
  decisionEvidence: number;
  statusDocuments: number;
  /** Accounts revoked at Smile (the erasure workflow's count; 0 for retention and disconnects). */
  accountsRevoked: number;
}

export type ErasureKind = 'request' | 'disconnect' | 'retention';

/**
 * A status document without what could identify the person:
 * `partnerParams` (the client's own values, anything from an email to a loan id),
 * a review's free-text `note`, and the reasons' messages (they may quote an
 * employer). Ids (verification, external user, Smile user, accounts), statuses,
 * the decision's outcome, reason codes and evidence hash stay: they name no
 * one, and the decision and the audit trail need them.
 */
export function withoutPersonalData(document: StatusDocument): StatusDocument {
  const scrubbed: StatusDocument = { ...document };
  delete scrubbed.partnerParams;
  if (document.review) {
    scrubbed.review = { ...document.review };
    delete scrubbed.review.note;
  }
  if (document.decision)
    scrubbed.decision = {
      ...document.decision,
      reasons: document.decision.reasons.map((reason) => ({ ...reason, message: ERASED_MESSAGE })),
    };
  return scrubbed;
}

/**
 * What is erased per run (`runIds`): decision evidence, callback message bodies,
 * status documents' personal fields, the applicant of the request that started
 * it, and KYC callback bodies.
 */
export async function eraseRuns(tx: Db, runIds: string[]) {
  const decisionEvidence = await eraseDecisionEvidence(tx, runIds);
  const callbackMessages = await tx`
    update callback_messages set body = null where run_id = any(${runIds}) and body is not null`;
  const statusDocuments = await scrubStatusDocuments(tx, runIds, withoutPersonalData);
  const applicants = await tx`
    update verification_requests set applicant = null, invite = null
    where request_id in (select request_id from verifications where run_id = any(${runIds})) and (applicant is not null or invite is not null)`;
  const kycBodies = await tx`
    update inbox_events set body = null, raw_body = null
    where job_id = any(${runIds.map(kycJobId)}) and (body is not null or raw_body is not null)`;
  return {
    decisionEvidence,
    callbackMessages: callbackMessages.count,
    statusDocuments,
    kycBodies: kycBodies.count,
    applicants: applicants.count,
  };
}

/** What is kept per user: synced data and Smile webhook bodies (by Smile user), applicants (by request). */
export async function eraseUserRows(
  tx: Db,
  user: { verificationId: string; smileUserIds: string[]; requestsOf: { externalUserId: string; before?: Date } },
) {
  const datapoints = await tx`delete from datapoints where smile_user_id = any(${user.smileUserIds})`;
  const bodies = await tx`
    update inbox_events set body = null, raw_body = null
    where (smile_user_id = any(${user.smileUserIds}) or verification_id = ${user.verificationId})
      and (body is not null or raw_body is not null)`;
  const { externalUserId, before } = user.requestsOf;
  const applicants = await tx`
    update verification_requests set applicant = null, invite = null
    where external_user_id = ${externalUserId} and (applicant is not null or invite is not null)
      ${before ? tx`and created_at < ${before}` : tx``}`;
  return { datapoints: datapoints.count, eventPayloads: bodies.count, applicants: applicants.count };
}

/** What an erasure of some runs and their users' rows removed, in the `erasures` row's terms. */
export function countsOf(
  perRun: Awaited<ReturnType<typeof eraseRuns>>,
  perUser: Awaited<ReturnType<typeof eraseUserRows>>,
): Omit<ErasureCounts, 'accountsRevoked'> {
  return {
    datapoints: perUser.datapoints,
    applicants: perRun.applicants + perUser.applicants,
    eventPayloads: perUser.eventPayloads + perRun.kycBodies,
    callbackMessages: perRun.callbackMessages,
    decisionEvidence: perRun.decisionEvidence,
    statusDocuments: perRun.statusDocuments,
  };
}

export async function recordErasure(
  tx: Db,
  erasure: { verificationId: string; smileUserId: string | null; counts: ErasureCounts; keyName: string | null },
  kind: ErasureKind,
) {
  await tx`insert into erasures (verification_id, smile_user_id, counts, key_name, kind)
           values (${erasure.verificationId}, ${erasure.smileUserId}, ${tx.json(erasure.counts as never)},
                   ${erasure.keyName}, ${kind})`;
  if (erasure.keyName)
    await tx`insert into audit_events (action, verification_id, key_name)
             values ('erasure', ${erasure.verificationId}, ${erasure.keyName})`;
}

export const inTransaction = <T>(sql: Db, fn: (tx: Db) => Promise<T>): Promise<T> =>
  'begin' in sql ? (sql.begin(fn) as Promise<T>) : fn(sql);

/**
 * Erases a verification's user's personal data from every table that holds it
 *, in one transaction, for every run of the user: synced data,
 * applicants, webhook and KYC callback bodies, callback message bodies, decision
 * inputs and findings, and the status documents' personal fields. Decisions
 * (outcome, reasons' codes, rules, evidence hash) and audit rows stay; an
 * erasures row records the counts and the key's name (an audit row too, when a
 * key asked). Every run is marked purged. Undefined when the verification is unknown.
 */
export async function eraseUserData(
  sql: Db,
  verificationId: string,
  {
    keyName = null,
    kind = 'request',
    accountsRevoked = 0,
  }: Partial<{
    keyName: string | null;
    kind: ErasureKind;
    accountsRevoked: number;
  }> = {},
): Promise<ErasureCounts | undefined> {
  return inTransaction(sql, async (tx) => {
    const runs = await tx<{ run_id: string; external_user_id: string; smile_user_id: string | null }[]>`
      select run_id, external_user_id, smile_user_id from verifications
      where verification_id = ${verificationId} order by created_at desc for update`;
    const latest = runs[0];
    if (!latest) return undefined;
    const runIds = runs.map((run) => run.run_id);
    const smileUserIds = [...new Set(runs.flatMap((run) => (run.smile_user_id ? [run.smile_user_id] : [])))];
    const perRun = await eraseRuns(tx, runIds);
    const perUser = await eraseUserRows(tx, {
      verificationId,
      smileUserIds,
      requestsOf: { externalUserId: latest.external_user_id },
    });
    // Events of the user that no run took (a sync of an account outside any run): nothing keeps them.
    await tx`delete from inbox_events where state = 'orphan' and smile_user_id = any(${smileUserIds})`;
    await tx`update verifications set purged_at = now() where run_id = any(${runIds}) and purged_at is null`;
    const counts: ErasureCounts = { ...countsOf(perRun, perUser), accountsRevoked };
    await recordErasure(tx, { verificationId, smileUserId: latest.smile_user_id, counts, keyName }, kind);
    return counts;
  });
}

/** The Smile accounts of every run of a verification's user: what the erasure revokes. */
export async function accountsToRevoke(sql: Db, verificationId: string): Promise<string[]> {
  const rows = await sql<{ account_id: string }[]>`
    select distinct a->>'accountId' as account_id
    from verifications v cross join jsonb_array_elements(coalesce(v.status_document->'accounts', '[]'::jsonb)) a
    where v.verification_id = ${verificationId} and a->>'accountId' is not null
    order by 1`;
  return rows.map((row) => row.account_id);
}

/** Every Smile user an external user ever had: the one kept for them, and any a run of theirs used. */
export async function smileUsersOf(sql: Db, externalUserId: string): Promise<string[]> {
  const rows = await sql<{ smile_user_id: string }[]>`
    select smile_user_id from smile_users where external_user_id = ${externalUserId}
    union
    select smile_user_id from verifications where external_user_id = ${externalUserId} and smile_user_id is not null
    order by 1`;
  return rows.map((row) => row.smile_user_id);
}
