import {
  CancellationScope,
  condition,
  ParentClosePolicy,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { store } from '../proxies.js';
import { durationMs } from '../duration.js';
import { callbackWorkflowId } from '../ids.js';
import { reviewUpdate, type ReviewRequest } from '../messages.js';
import { resultCallbackWorkflow } from '../result-callback.js';
import { DecisionKey } from '../search-attributes.js';
import type { Ctx } from '../context.js';
import { documentOf, enter, upsertWithNextStatus } from '../status.js';
import { REVIEW_OUTCOMES, type StatusDocument } from '../types.js';

// Human review of a REVIEW outcome: IN_REVIEW, a review_required callback, then a reviewer or the timeout.

/**
 * Waits up to `policy.review.timeout` for `reviewUpdate`. A reviewer's outcome
 * replaces the engine's (which stays as `automatedOutcome`, with its reasons)
 * and is an audit row; past the timeout the REVIEW outcome stands, EXPIRED.
 */
export async function awaitReview(ctx: Ctx): Promise<void> {
  const { state, input } = ctx;
  await enter(ctx, 'review', 'IN_REVIEW');
  await notifyReviewRequired(ctx);
  const received = await condition(() => ctx.reviewRequest !== undefined, durationMs(input.policy.review.timeout));
  if (!received) {
    // Set in the same activation as the timeout: from here the update's validator refuses a late review.
    state.review = { status: 'EXPIRED' };
    return;
  }
  const { outcome, reviewer, note, reasonCode, keyName } = ctx.reviewRequest!;
  state.review = {
    status: 'RESOLVED',
    reviewer,
    outcome,
    ...(note !== undefined ? { note } : {}),
    ...(reasonCode !== undefined ? { reasonCode } : {}),
    reviewedAt: new Date().toISOString(), // workflow time: deterministic on replay
    keyName,
  };
  state.decision = { ...state.decision!, outcome, automatedOutcome: state.decision!.outcome };
  upsertWithNextStatus(ctx, { key: DecisionKey, value: outcome });
  const { firstExecutionRunId, workflowId } = workflowInfo();
  await store().recordReviewAudit.executeWithOptions({ summary: 'record the review in the audit log' }, [
    { runId: firstExecutionRunId, verificationId: workflowId, keyName, outcome },
  ]);
}

/**
 * `verification.review_required`, by a child that outlives this run:
 * starting it waits only for the start, never for the delivery. It sends the
 * IN_REVIEW document `enter` has just stored. Without a callback URL nothing is started.
 */
async function notifyReviewRequired({ input }: Ctx): Promise<void> {
  if (input.callbackConfigured === false) return;
  const { firstExecutionRunId, workflowId } = workflowInfo();
  const type = 'verification.review_required' as const;
  await startChild(resultCallbackWorkflow, {
    workflowId: callbackWorkflowId(firstExecutionRunId, { type }),
    args: [{ runId: firstExecutionRunId, verificationId: workflowId, callbackUrl: input.callbackUrl, type }],
    parentClosePolicy: ParentClosePolicy.ABANDON,
    staticSummary: `Review-required callback of ${workflowId}`,
  });
}

/**
 * `reviewUpdate`: its validator refuses, before anything is written to history,
 * a run not IN_REVIEW or already reviewed. The handler only records the review
 * (the review step applies it), then answers the closed document: closing waits
 * for running handlers, so the reviewer gets the COMPLETED document.
 */
export function registerReviewHandler(ctx: Ctx): void {
  const { state } = ctx;
  setHandler(
    reviewUpdate,
    async (request): Promise<StatusDocument> => {
      ctx.reviewRequest = request;
      // A cancel landing now does not cut the answer short: the decided run closes COMPLETED, and says so.
      await CancellationScope.nonCancellable(() => condition(() => ctx.closed === true));
      return documentOf(ctx);
    },
    {
      validator: (request) => {
        const problem = reviewRequestProblem(request);
        if (problem) throw new TypeError(problem);
        if (state.status !== 'IN_REVIEW') throw new Error(`verification is ${state.status}, not IN_REVIEW`);
        if (ctx.reviewRequest || state.review) throw new Error('verification has already been reviewed');
      },
    },
  );
}

/** What is wrong with a review update's argument (the API validated it already; this guards other senders). */
function reviewRequestProblem(request: ReviewRequest | undefined): string | undefined {
  const text = (value: unknown, max: number) => typeof value === 'string' && value.length >= 1 && value.length <= max;
  if (!request || !(REVIEW_OUTCOMES as readonly unknown[]).includes(request.outcome))
    return `outcome must be one of ${REVIEW_OUTCOMES.join(', ')}`;
  if (!text(request.reviewer, 128)) return 'reviewer must be 1-128 characters';
  if (request.note !== undefined && (typeof request.note !== 'string' || request.note.length > 2_000))
    return 'note must be at most 2000 characters';
  if (request.reasonCode !== undefined && !text(request.reasonCode, 64)) return 'reasonCode must be 1-64 characters';
  if (!text(request.keyName, 200)) return 'keyName is required';
  return undefined;
}
