import {
  allHandlersFinished,
  CancellationScope,
  condition,
  ParentClosePolicy,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { Ctx } from '../context.js';
import { callbackWorkflowId } from '../ids.js';
import { resultCallbackWorkflow } from '../result-callback.js';
import { documentOf, enter } from '../status.js';
import type { StatusDocument, VerificationStatus } from '../types.js';
import { startMonitor } from './monitor.js';
import { stopSmileSync } from '../smile-sync.js';
import { runAccounts } from '../state.js';

// The end of every run: the status, the hand-over to the monitor, the result callback.

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
  // The invite expires with the run's connectTimeout: a run that expired unlinked ends its invite too.
  if (status === 'EXPIRED' && ctx.state.invite && ctx.state.invite.status !== 'LINKED')
    ctx.state.invite.status = 'EXPIRED';
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
  // Without a monitor nobody needs the accounts' later data: Smile's continuous sync goes off too.
  if (state.monitoring?.status !== 'ACTIVE') await stopSmileSync(runAccounts(state));
  await condition(allHandlersFinished);
  return documentOf(ctx);
}
