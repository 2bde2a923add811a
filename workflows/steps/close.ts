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
import { beginMonitoring } from './monitor.js';
import { stopSmileSync } from '../smile-sync.js';
import { runAccounts } from '../state.js';

// The end of every run: the status, the start of monitoring, the result callback.

/**
 * Closes the verification, once: a second call (a cancel landing during a close)
 * gets the first one's result, so a decided run is never relabelled. The whole
 * close is non-cancellable, and it waits for running handlers, so an accepted
 * linkToken update completes (a monitored run waits for them when its
 * monitoring ends). The result callback is delivered by a
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
  if (monitor && status === 'COMPLETED' && input.policy.monitor.enabled) beginMonitoring(ctx);
  await enter(ctx, 'done', status);
  ctx.closed = true;
  if (notify)
    await startChild(resultCallbackWorkflow, {
      workflowId: callbackWorkflowId(firstExecutionRunId),
      args: [{ runId: firstExecutionRunId, verificationId: workflowId, callbackUrl: input.callbackUrl }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      staticSummary: `Result callback of ${workflowId}`,
    });
  // The monitoring phase follows in this workflow; its end waits for the handlers.
  if (state.monitoring?.status === 'ACTIVE') return documentOf(ctx);
  // Without monitoring nobody needs the accounts' later data: Smile's continuous sync goes off too.
  await stopSmileSync(runAccounts(state));
  ctx.finished = true;
  await condition(allHandlersFinished);
  return documentOf(ctx);
}
