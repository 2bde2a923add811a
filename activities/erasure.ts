import { setTimeout as sleep } from 'node:timers/promises';
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { signalEndMonitor } from '../runtime/temporal.js';
import { verificationWorkflowId } from '../workflows/ids.js';
import type { StatusDocument } from '../workflows/types.js';
import type { Sql } from '../db/client.js';
import { accountsToRevoke, eraseUserData, smileUsersOf, type ErasureCounts } from '../db/erasure.js';
import { expireOrphanEvents, purgeExpiredRuns, type RetentionBatch } from '../db/retention.js';
import { finishUserErasure } from '../db/user-erasures.js';

export interface ErasureDeps {
  sql: Sql;
  /** Signals and cancels the user's other workflows; absent in a worker that runs no erasure. */
  temporal?: Client;
}

const POLL_MS = 1_000;

/** Waits, heartbeating, until the workflow's latest run has closed (the activity's cancellation ends the wait). */
async function untilClosed(handle: WorkflowHandle): Promise<void> {
  const { cancellationSignal } = Context.current();
  for (;;) {
    const { status } = await handle.describe();
    if (status.name !== 'RUNNING') return;
    Context.current().heartbeat();
    await sleep(POLL_MS, undefined, { signal: cancellationSignal });
  }
}

/** Whether a workflow id has a running run: a closed or unknown one is nothing to stop. */
async function isRunning(handle: WorkflowHandle): Promise<boolean> {
  try {
    return (await handle.describe()).status.name === 'RUNNING';
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

/**
 * The erasure workflow's side effects: stop the user's open run (deciding or
 * monitoring), erase the stored data (revoking at Smile is `revokeSmileAccount`);
 * and the retention purge's batches. Each is idempotent: a retry finds the
 * workflow already closed, the account already revoked, the rows already erased.
 */
export function createErasureActivities({ sql, temporal }: ErasureDeps) {
  const client = () => {
    if (!temporal) throw ApplicationFailure.nonRetryable('this worker has no Temporal client', 'NoTemporalClient');
    return temporal;
  };
  return {
    /**
     * Stops the user's open run, deciding or monitoring, and waits until it has
     * closed: monitoring is asked to end ERASED (its end stored, Smile's sync off),
     * then the run is cancelled. `stopped`: a run was open; `cancelled`: it had
     * not decided; `monitorEnded`: it was monitoring.
     */
    async cancelUserVerification({
      externalUserId,
    }: {
      externalUserId: string;
    }): Promise<{ stopped: boolean; cancelled: boolean; monitorEnded: boolean }> {
      const handle = client().workflow.getHandle(verificationWorkflowId(externalUserId));
      if (!(await isRunning(handle))) return { stopped: false, cancelled: false, monitorEnded: false };
      try {
        await signalEndMonitor(client(), externalUserId, 'ERASED');
        await handle.cancel();
      } catch (error) {
        // Closed meanwhile (monitoring may have ended on the signal alone): what it said is read below.
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
      await untilClosed(handle);
      const last = (await handle.result().catch(() => undefined)) as StatusDocument | undefined;
      return {
        stopped: true,
        cancelled: last?.status === 'CANCELLED',
        monitorEnded: last?.monitoring?.endedReason === 'ERASED',
      };
    },

    /** The Smile accounts of the user's runs. Ids only: no personal data in history. */
    async accountsToRevoke({ verificationId }: { verificationId: string }): Promise<string[]> {
      return accountsToRevoke(sql, verificationId);
    },

    /** Every Smile user this external user ever had (their own, and any a run used, such as an invite's). */
    async smileUsersOf({ externalUserId }: { externalUserId: string }): Promise<string[]> {
      return smileUsersOf(sql, externalUserId);
    },

    async eraseUserData(input: {
      verificationId: string;
      keyName: string | null;
      accountsRevoked: number;
      kind: 'request' | 'disconnect';
    }): Promise<ErasureCounts | undefined> {
      return eraseUserData(sql, input.verificationId, input);
    },

    /** The erasure's last step: a start for the user is accepted again. */
    async finishUserErasure({ externalUserId }: { externalUserId: string }): Promise<void> {
      await finishUserErasure(sql, externalUserId);
    },

    /** A batch of orphan events past their 30 days: rows and bodies go. */
    async expireOrphanEvents(input: { limit: number }): Promise<{ events: number }> {
      return { events: await expireOrphanEvents(sql, input) };
    },

    async purgeExpiredRuns(input: { retentionDays: number; limit: number }): Promise<RetentionBatch> {
      return purgeExpiredRuns(sql, input);
    },
  };
}
