import {
  allHandlersFinished,
  CancellationScope,
  condition,
  ParentClosePolicy,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { smilePages, store } from '../proxies.js';
import { callbackWorkflowId } from '../ids.js';
import { startMonitor } from './monitor.js';
import { resultCallbackWorkflow } from '../result-callback.js';
import { DecisionKey } from '../search-attributes.js';
import { currentSync, runAccounts } from '../state.js';
import { documentOf, enter, upsertWithNextStatus, type Ctx } from '../status.js';
import { DATAPOINTS, type StatusDocument, type VerificationStatus } from '../types.js';

// From synced data to the result: collect it, decide, close (KYC, when the policy asks, is in kyc.ts).

/**
 * From the TASK_FINISHED payload in the inbox when there is one, else from the
 * Smile API; the run's other accounts from the API. The
 * counts are of the run's accounts' data.
 */
export async function collectData(ctx: Ctx): Promise<void> {
  const { state } = ctx;
  await enter(ctx, 'collectData', 'EVALUATING');
  const sync = currentSync(state);
  const accountIds = runAccounts(state).map((a) => a.accountId);
  const others = accountIds.filter((id) => id !== sync?.accountId);
  if (sync?.hasPayload && others.length > 0)
    await smilePages().fetchAndStoreDatapoints.executeWithOptions({ summary: "fetch the run's other accounts' data" }, [
      { smileUserId: state.smileUserId!, accountIds: others },
    ]);
  // The payload's capped lists are completed through the Smile API: a normal activity, on the Smile queue.
  const counts = sync?.hasPayload
    ? await smilePages().storeTaskPayload.executeWithOptions(
        { summary: 'store the synced data from the webhook payload' },
        [{ eventId: sync.eventId, accountIds }],
      )
    : await smilePages().fetchAndStoreDatapoints.executeWithOptions({ summary: 'fetch the data from the Smile API' }, [
        { smileUserId: state.smileUserId!, accountId: sync?.accountId, accountIds },
      ]);
  for (const datapoint of DATAPOINTS)
    state.datapoints[datapoint] = (counts[datapoint] ?? 0) > 0 ? 'RECEIVED' : 'MISSING';
}

export async function decide(ctx: Ctx): Promise<void> {
  const { state, input } = ctx;
  await enter(ctx, 'decide', 'EVALUATING');
  state.decision = await store().evaluateVerification.executeWithOptions(
    { summary: 'evaluate the data against the policy' },
    [
      {
        runId: workflowInfo().firstExecutionRunId,
        requestId: input.requestId,
        smileUserId: state.smileUserId!,
        policy: input.policy,
        accounts: runAccounts(state),
        ...(state.kyc ? { kyc: { status: state.kyc.status, resultCode: state.kyc.resultCode } } : {}),
      },
    ],
  );
  upsertWithNextStatus(ctx, { key: DecisionKey, value: state.decision!.outcome });
}

/**
 * Closes the verification, once: a second call (a cancel landing during a close)
 * gets the first one's result, so a decided run is never relabelled. The whole
 * close is non-cancellable, and it waits for running handlers, so an accepted
 * linkToken update completes. The result callback is delivered by a
 * child workflow that outlives this one (retries for up to 24 h), so a new
 * verification of the same user can start at once; the child records the
 * delivery's outcome in the stored status document. Without a callback URL
 * nothing is started.
 */
export function close(ctx: Ctx, status: VerificationStatus, monitor = false): Promise<StatusDocument> {
  ctx.closing ??= CancellationScope.nonCancellable(() => closeOnce(ctx, status, monitor));
  return ctx.closing;
}

async function closeOnce(ctx: Ctx, status: VerificationStatus, monitor: boolean): Promise<StatusDocument> {
  const { state, input } = ctx;
  const { firstExecutionRunId, workflowId } = workflowInfo();
  const notify = input.callbackConfigured !== false;
  state.callback = { status: notify ? 'PENDING' : 'NOT_CONFIGURED' };
  if (monitor && status === 'COMPLETED' && input.policy.monitor.enabled) await startMonitor(ctx);
  await enter(ctx, 'done', status);
  ctx.closed = true;
  if (notify)
    await startChild(resultCallbackWorkflow, {
      workflowId: callbackWorkflowId(firstExecutionRunId),
      args: [{ runId: firstExecutionRunId, verificationId: workflowId, callbackUrl: input.callbackUrl }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      staticSummary: `Result callback of ${workflowId}`,
    });
  await condition(allHandlersFinished);
  return documentOf(ctx);
}
