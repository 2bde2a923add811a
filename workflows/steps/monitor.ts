import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, startChild, workflowInfo } from '@temporalio/workflow';
import { durationMs } from '../duration.js';
import { monitorWorkflowId } from '../ids.js';
import { monitorWorkflow } from '../monitor.js';
import { ExternalUserIdKey, SmileUserIdKey } from '../search-attributes.js';
import { runAccounts } from '../state.js';
import type { Ctx } from '../context.js';

/**
 * Starts the user's monitor as the run closes COMPLETED: a child that
 * outlives the run (ABANDON), given ids and codes only. `monitoring` is set
 * first, so the closed document shows ACTIVE. The API ends a user's monitor
 * before it starts their next verification, so none should be running here;
 * if one still is, this run closes unmonitored rather than failing its close.
 */
export async function startMonitor(ctx: Ctx): Promise<void> {
  const { state, input } = ctx;
  const decision = state.decision!;
  const { firstExecutionRunId, workflowId } = workflowInfo();
  const until = new Date(Date.now() + durationMs(input.policy.monitor.duration)).toISOString();
  state.monitoring = { status: 'ACTIVE', until, changes: [] };
  await startChild(monitorWorkflow, {
    workflowId: monitorWorkflowId(input.externalUserId),
    args: [
      {
        verificationId: workflowId,
        firstRunId: firstExecutionRunId,
        externalUserId: input.externalUserId,
        smileUserId: state.smileUserId!,
        requestId: input.requestId,
        policy: input.policy,
        accounts: runAccounts(state),
        ...(state.kyc ? { kyc: { status: state.kyc.status, resultCode: state.kyc.resultCode } } : {}),
        until,
        callbackUrl: input.callbackUrl,
        callbackConfigured: input.callbackConfigured,
        // The engine's outcome: a reviewer's replaces it in the document, not in the decisions it is measured against.
        decision: {
          outcome: decision.automatedOutcome ?? decision.outcome,
          reasons: decision.reasons.map(({ code, result }) => ({ code, result })),
        },
      },
    ],
    parentClosePolicy: ParentClosePolicy.ABANDON,
    staticSummary: `Monitor of ${workflowId} until ${until}`,
    typedSearchAttributes: [
      { key: ExternalUserIdKey, value: input.externalUserId },
      { key: SmileUserIdKey, value: state.smileUserId! },
    ],
  }).catch((error: unknown) => {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    state.monitoring = undefined;
  });
}
