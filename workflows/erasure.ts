import { ApplicationFailure, setCurrentDetails } from '@temporalio/workflow';
import type { ErasureCounts } from '../db/erasure.js';
import { purge, smileRevoke, stopWorkflows } from './proxies.js';
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
 * Erases a user's personal data, durably, in the order that leaves
 * nothing behind: end the monitor and the running verification first (and wait
 * for them to close, so neither writes again), revoke the user's accounts at
 * Smile (their data goes there too), then erase every stored copy here and
 * record what went. Ids and counts only in history.
 */
export async function erasureWorkflow({
  externalUserId,
  keyName,
  reason = 'request',
}: ErasureInput): Promise<ErasureResult> {
  const stop = stopWorkflows();
  const store = purge();
  const verificationId = verificationWorkflowId(externalUserId);
  setCurrentDetails('ending the monitor');
  const { ended } = await stop.endUserMonitor({ externalUserId });
  setCurrentDetails('cancelling the running verification');
  const { cancelled } = await stop.cancelUserVerification({ externalUserId });
  const accounts = await store.accountsToRevoke({ verificationId });
  setCurrentDetails(`revoking ${accounts.length} account(s) at Smile`);
  const revoked = await Promise.all(accounts.map((accountId) => smileRevoke().revokeSmileAccount({ accountId })));
  setCurrentDetails('erasing the stored data');
  const counts = await store.eraseUserData({
    verificationId,
    keyName,
    accountsRevoked: revoked.filter((r) => r.revoked).length,
    kind: reason,
  });
  if (!counts) throw ApplicationFailure.nonRetryable(`no verification ${verificationId}`, 'UnknownVerification');
  setCurrentDetails('done');
  return { ...counts, monitorEnded: ended, verificationCancelled: cancelled };
}
