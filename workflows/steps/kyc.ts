import { ActivityFailure, condition, TimeoutFailure, workflowInfo } from '@temporalio/workflow';
import { smile } from '../proxies.js';
import { durationMs } from '../duration.js';
import { kycJobId } from '../ids.js';
import type { Ctx } from '../context.js';
import { enter } from '../status.js';

// The KYC job: submitted once, its signed callback awaited, its result confirmed by job_status.

/** job_status is asked at the callback timeout's pace, at most every 10 s at first, then backing off to a minute. */
const KYC_MAX_POLL_INTERVAL_MS = 10_000;

export async function runKyc(ctx: Ctx): Promise<void> {
  const { state, input } = ctx;
  const giveUpAt = Date.now() + durationMs(input.policy.kyc.maxWait);
  // The job id is known before the job exists, so a callback in the same task as the submission is kept.
  const jobId = kycJobId(workflowInfo().firstExecutionRunId);
  state.kyc = { jobId, status: 'PENDING' };
  ctx.kycCallback = {};
  await enter(ctx, 'kyc');
  await smile().submitKycJob.executeWithOptions({ summary: 'submit the KYC job' }, [
    { runId: workflowInfo().firstExecutionRunId, smileUserId: state.smileUserId!, jobType: input.policy.kyc.jobType },
  ]);
  await condition(() => ctx.kycCallback?.resultCode !== undefined, durationMs(input.policy.kyc.callbackTimeout));
  // The callback only says that the job is done: its result counts as job_status states it.
  const firstPoll = Math.min(KYC_MAX_POLL_INTERVAL_MS, durationMs(input.policy.kyc.callbackTimeout));
  try {
    const result = await smile().kycJobResult.executeWithOptions(
      {
        summary: 'confirm the KYC result with job_status',
        scheduleToCloseTimeout: Math.max(giveUpAt - Date.now(), 1_000),
        // Each attempt is one job_status request; retries (not history events) are the polling.
        retry: { initialInterval: firstPoll, backoffCoefficient: 1.5, maximumInterval: '1m' },
      },
      [{ jobId, smileUserId: state.smileUserId }],
    );
    state.kyc = { jobId, ...result };
  } catch (error) {
    if (!(error instanceof ActivityFailure && error.cause instanceof TimeoutFailure)) throw error;
    state.kyc = { jobId, status: 'TIMED_OUT' };
  }
}
