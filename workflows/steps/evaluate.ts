import { condition, ParentClosePolicy, sleep, startChild, workflowInfo } from '@temporalio/workflow';
import { smile, store } from '../activities.js';
import { durationMs } from '../duration.js';
import { callbackWorkflowId } from '../ids.js';
import { kycStatusOf } from '../kyc-codes.js';
import { resultCallbackWorkflow } from '../result-callback.js';
import { DecisionKey } from '../search-attributes.js';
import { runScopedDecisions } from '../decision-scope.js';
import { currentSync, runAccounts } from '../state.js';
import { documentOf, enter, upsertWithNextStatus, type Ctx } from '../status.js';
import { DATAPOINTS, type StatusDocument, type VerificationStatus } from '../types.js';

// From synced data to the result: collect it, run KYC when the policy asks, decide, close.

/** job_status is polled at the callback timeout's pace, at most every 10 s. */
const KYC_MAX_POLL_INTERVAL_MS = 10_000;

/**
 * From the TASK_FINISHED payload in the inbox when there is one, else from the
 * Smile API; the run's other accounts from the API (run-scoped runs). The
 * counts are of the run's accounts' data.
 */
export async function collectData(ctx: Ctx): Promise<void> {
  const { state } = ctx;
  await enter(ctx, 'collectData', 'EVALUATING');
  const sync = currentSync(state);
  const accountIds = runAccounts(state).map((a) => a.accountId);
  const others = accountIds.filter((id) => id !== sync?.accountId);
  if (sync?.hasPayload && others.length > 0 && runScopedDecisions())
    await smile.fetchAndStoreDatapoints.executeWithOptions({ summary: "fetch the run's other accounts' data" }, [
      { smileUserId: state.smileUserId!, accountIds: others },
    ]);
  const counts = sync?.hasPayload
    ? await store().storeTaskPayload.executeWithOptions({ summary: 'store the synced data from the webhook payload' }, [
        { eventId: sync.eventId, accountIds },
      ])
    : await smile.fetchAndStoreDatapoints.executeWithOptions({ summary: 'fetch the data from the Smile API' }, [
        { smileUserId: state.smileUserId!, accountId: sync?.accountId, accountIds },
      ]);
  for (const datapoint of DATAPOINTS)
    state.datapoints[datapoint] = (counts[datapoint] ?? 0) > 0 ? 'RECEIVED' : 'MISSING';
}

/** A KYC job: wait for its signed callback, then poll job_status until `maxWait`. */
export async function runKyc(ctx: Ctx): Promise<void> {
  const { state, input } = ctx;
  await enter(ctx, 'kyc');
  const { jobId } = await smile.submitKycJob.executeWithOptions({ summary: 'submit the KYC job' }, [
    { runId: workflowInfo().firstExecutionRunId, smileUserId: state.smileUserId!, jobType: input.policy.kyc.jobType },
  ]);
  const kyc = (state.kyc = { jobId, status: 'PENDING' as const });
  const settled = () => state.kyc?.status !== 'PENDING';
  if (await condition(settled, durationMs(input.policy.kyc.callbackTimeout))) return;
  const giveUpAt = Date.now() + durationMs(input.policy.kyc.maxWait);
  while (!settled() && Date.now() < giveUpAt) {
    const result = await smile.getKycJobStatus.executeWithOptions({ summary: 'poll the KYC job status' }, [
      { jobId, smileUserId: state.smileUserId },
    ]);
    const status = result.resultCode ? kycStatusOf(result.resultCode) : undefined;
    if (result.complete && status) state.kyc = { ...kyc, status, resultCode: result.resultCode };
    else await sleep(Math.min(KYC_MAX_POLL_INTERVAL_MS, durationMs(input.policy.kyc.callbackTimeout)));
  }
  if (!settled()) state.kyc = { ...kyc, status: 'TIMED_OUT' };
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
 * Closes the verification. The result callback (SPEC §7) is delivered by a child
 * workflow that outlives this one (retries for up to 24 h), so a new verification
 * of the same user can start at once; the child records the delivery's outcome
 * in the stored status document.
 */
export async function close(ctx: Ctx, status: VerificationStatus): Promise<StatusDocument> {
  const { state, input } = ctx;
  const { firstExecutionRunId, workflowId } = workflowInfo();
  state.callback = { status: 'PENDING' };
  await enter(ctx, 'done', status);
  await startChild(resultCallbackWorkflow, {
    workflowId: callbackWorkflowId(firstExecutionRunId),
    args: [{ runId: firstExecutionRunId, verificationId: workflowId, callbackUrl: input.callbackUrl }],
    parentClosePolicy: ParentClosePolicy.ABANDON,
    staticSummary: `Result callback of ${workflowId}`,
  });
  return documentOf(ctx);
}
