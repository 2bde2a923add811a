import { ApplicationFailure, setCurrentDetails } from '@temporalio/workflow';
import type { ErasureCounts } from '../db/erasure.js';
import { purge, smileAccounts, stopWorkflows } from './proxies.js';
import { verificationWorkflowId } from './ids.js';

export interface ErasureInput {
  externalUserId: string;
  /** The API key's name (never its secret) that asked, for the erasures and audit rows. */
  keyName: string | null;
  /** Why: a client's request (`DELETE …/data`), or a disconnect under a policy with `eraseOnDisconnect`. */
  reason?: 'request' | 'disconnect';
}

export interface ErasureResult extends ErasureCounts {
  monitorEnded: boolean;
  verificationCancelled: boolean;
}

/**
 * Every account of every Smile user this external user ever had, as Smile
 * lists them (linked in a run, after its decision, or outside any run), and
 * those the runs' status documents name. Ids only.
 */
async function accountsToRevoke(externalUserId: string): Promise<string[]> {
  const store = purge();
  const verificationId = verificationWorkflowId(externalUserId);
  const [smileUserIds, named] = await Promise.all([
    store.smileUsersOf({ externalUserId }),
    store.accountsToRevoke({ verificationId }),
  ]);
  const listed = smileUserIds.length > 0 ? await smileAccounts().smileAccountsOf({ smileUserIds }) : [];
  return [...new Set([...named, ...listed])].sort();
}

/** A run that began just as the erasure was asked for is cancelled and erased by a further round; this bounds them. */
const MAX_ROUNDS = 5;

/**
 * Erases a user's personal data, durably, in the order that leaves
 * nothing behind: end the user's open run first, deciding or monitoring (and
 * wait for it to close, so it writes nothing again), revoke the user's accounts at
 * Smile (their data goes there too), then erase every stored copy here and
 * record what went. A start for the user is refused from the request until the
 * last step; a run whose start was accepted just before the request is found
 * running after the erase, cancelled and erased in one more round, so the
 * erase is the user's last write. Ids and counts only in history.
 */
export async function erasureWorkflow({
  externalUserId,
  keyName,
  reason = 'request',
}: ErasureInput): Promise<ErasureResult> {
  const stop = stopWorkflows();
  const store = purge();
  const verificationId = verificationWorkflowId(externalUserId);
  setCurrentDetails('ending the open run and its monitoring');
  const first = await stop.cancelUserVerification({ externalUserId });
  const total: ErasureResult = {
    datapoints: 0,
    applicants: 0,
    eventPayloads: 0,
    callbackMessages: 0,
    decisionEvidence: 0,
    statusDocuments: 0,
    accountsRevoked: 0,
    monitorEnded: first.monitorEnded,
    verificationCancelled: first.cancelled,
  };
  for (let round = 1; ; round++) {
    const accounts = await accountsToRevoke(externalUserId);
    setCurrentDetails(`turning off the sync of ${accounts.length} account(s) at Smile and revoking them`);
    const revoked = await Promise.all(
      accounts.map(async (accountId) => {
        await smileAccounts().disableSmileMonitor({ accountId });
        return smileAccounts().revokeSmileAccount({ accountId });
      }),
    );
    setCurrentDetails('erasing the stored data');
    const counts = await store.eraseUserData({
      verificationId,
      keyName,
      accountsRevoked: revoked.filter((r) => r.revoked).length,
      kind: reason,
    });
    if (!counts) throw ApplicationFailure.nonRetryable(`no verification ${verificationId}`, 'UnknownVerification');
    for (const key of Object.keys(counts) as (keyof ErasureCounts)[]) total[key] += counts[key];
    setCurrentDetails('checking that no run began meanwhile');
    const slipped = await stop.cancelUserVerification({ externalUserId });
    if (!slipped.stopped) break;
    total.verificationCancelled ||= slipped.cancelled;
    if (round >= MAX_ROUNDS)
      throw ApplicationFailure.nonRetryable('runs kept starting during the erasure', 'ErasureOvertaken');
  }
  await store.finishUserErasure({ externalUserId });
  setCurrentDetails('done');
  return total;
}
