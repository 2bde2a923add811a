import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  endMonitorSignal,
  handOverUpdate,
  kycResultSignal,
  linkTokenUpdate,
  smileEventSignal,
  smileEventsSignal,
  statusQuery,
  widgetEventSignal,
  type LinkTokenReply,
  type SmileEventRef,
} from './messages.js';
import type { Ctx } from './context.js';
import { documentOf, showDetails } from './status.js';
import { awaitConnection, awaitSync, issueToken } from './steps/connect.js';
import { close } from './steps/close.js';
import { collectData, decide } from './steps/evaluate.js';
import { runKyc } from './steps/kyc.js';
import { monitor } from './steps/monitor.js';
import { awaitReview, registerReviewHandler } from './steps/review.js';
import { refreshToken } from './steps/token.js';
import { applySmileEvent, applyWidgetEvent } from './apply.js';
import { firstSighting, initialState, isConnected, type State } from './state.js';
import { CLOSED_STATUSES, type StatusDocument, type VerificationInput } from './types.js';

const EARLY_EVENTS_LIMIT = 100;

/**
 * The user's one actor: issue a token, wait for a connected account, wait for
 * its sync, collect the data, optionally run KYC, decide, tell the client, and
 * with `policy.monitor` keep the decision current until monitoring ends. One
 * workflow per user, so nothing else happens to the user meanwhile: a new
 * verification starts when this one has finished (`handOverUpdate`), an
 * erasure cancels it and waits for it to close. `carried` is the state handed
 * over by continue-as-new.
 */
export async function verificationWorkflow(input: VerificationInput, carried?: State): Promise<StatusDocument> {
  const ctx: Ctx = { input, state: carried ?? initialState(new Date().toISOString()) };
  registerHandlers(ctx);
  try {
    if (carried?.stage === 'monitoring') return await monitor(ctx);
    if (!carried) await issueToken(ctx);
    return await run(ctx, carried?.stage === 'awaitSync');
  } catch (error) {
    // Monitoring fails as a workflow on what it cannot handle: the run it watches has closed already.
    if (ctx.state.stage === 'monitoring') throw error;
    // Cleanup must run even though the workflow is being cancelled; a run that has decided closes COMPLETED.
    if (isCancellation(error))
      return CancellationScope.nonCancellable(() => close(ctx, ctx.state.decision ? 'COMPLETED' : 'CANCELLED'));
    const failure = providerFailure(error);
    if (failure) {
      ctx.state.failure = failure;
      return close(ctx, 'FAILED');
    }
    throw error;
  }
}

/** `resumeSync`: a run continued as new while waiting for data goes on waiting for data. */
async function run(ctx: Ctx, resumeSync: boolean): Promise<StatusDocument> {
  for (let resume = resumeSync; ; resume = false) {
    const connection = resume ? 'connected' : await awaitConnection(ctx);
    if (connection === 'expired') return close(ctx, 'EXPIRED');
    if (connection === 'failed') {
      ctx.state.failure = {
        code: 'TOO_MANY_ACCOUNT_FAILURES',
        message: `${ctx.state.failures} failed connection attempts`,
      };
      return close(ctx, 'FAILED');
    }
    // A disconnect before the data arrived returns to waiting for a connection.
    if ((await awaitSync(ctx)) !== 'disconnected') break;
  }
  await collectData(ctx);
  if (ctx.input.policy.kyc.enabled) await runKyc(ctx);
  await decide(ctx);
  if (ctx.state.decision?.outcome === 'REVIEW' && ctx.input.policy.review.enabled) await awaitReview(ctx);
  // Only a run that decided in its own course is monitored (a cancelled one closing COMPLETED is not).
  const closed = await close(ctx, 'COMPLETED', true);
  return ctx.state.monitoring?.status === 'ACTIVE' ? monitor(ctx) : closed;
}

function registerHandlers(ctx: Ctx): void {
  const { state, input } = ctx;
  setHandler(statusQuery, () => documentOf(ctx));

  // An update handler may return a value (the token); its validator runs before anything is written to history.
  setHandler(
    linkTokenUpdate,
    // A cancel landing while it waits does not fail it: the caller learns the run closed, or gets its token.
    ({ requestId }): Promise<LinkTokenReply> =>
      CancellationScope.nonCancellable(async () => {
        await condition(() => state.link !== undefined || CLOSED_STATUSES.includes(state.status));
        // A handler may throw: the caller gets the failure, the workflow carries on.
        // Closed before it held a token: because Smile failed (creating the user, issuing the token), or otherwise.
        if (!state.link && state.failure?.code.startsWith('Smile'))
          throw ApplicationFailure.nonRetryable(`Smile failed: ${state.failure.code}`, 'SmileFailed');
        if (!state.link) throw ApplicationFailure.nonRetryable(`verification is ${state.status}`, 'VerificationClosed');
        // A refresh the run's own cancellation cut short (one shared with the main flow): the run is closing.
        // Answered once the run has closed, so the caller's hand-over finds it closed and waits for its end.
        await refreshToken(ctx).catch(async (error: unknown) => {
          if (!isCancellation(error)) throw error;
          await condition(() => CLOSED_STATUSES.includes(state.status));
          throw ApplicationFailure.nonRetryable(`verification is ${state.status}`, 'VerificationClosed');
        });
        return {
          ...state.link!,
          smileUserId: state.smileUserId!,
          status: state.status,
          runId: workflowInfo().firstExecutionRunId,
          startedByRequest: requestId === input.requestId,
          ...(state.invite ? { invite: { ...state.invite } } : {}),
        };
      }),
    {
      validator: ({ requestId }) => {
        if (typeof requestId !== 'string' || requestId.length === 0) throw new TypeError('requestId is required');
        if (CLOSED_STATUSES.includes(state.status))
          throw ApplicationFailure.nonRetryable(`verification is ${state.status}`, 'VerificationClosed');
      },
    },
  );

  registerReviewHandler(ctx);

  // A new verification of the user waits for this run to finish: monitoring ends, then the run closes.
  setHandler(
    handOverUpdate,
    async () => {
      if (state.monitoring?.status === 'ACTIVE') ctx.endMonitor ??= 'NEW_VERIFICATION';
      await CancellationScope.nonCancellable(() => condition(() => ctx.finished === true));
    },
    {
      validator: () => {
        if (!CLOSED_STATUSES.includes(state.status))
          throw ApplicationFailure.nonRetryable(`verification is ${state.status}`, 'VerificationRunning');
      },
    },
  );
  setHandler(endMonitorSignal, ({ reason }) => {
    if (state.monitoring?.status === 'ACTIVE') ctx.endMonitor ??= reason;
  });

  // Signal handlers only record what arrived: the main flow acts on it, so no handler can fail the run.
  const onSmileEvent = (event: SmileEventRef) => {
    // Once monitoring has begun, the events are the monitoring phase's, one at a time.
    if (state.monitor) return void state.monitor.pending.push(event);
    // Before the Smile user is known nothing can be matched: keep the event for when it is (at most 100).
    if (!state.smileUserId) {
      if ((ctx.earlyEvents ??= []).length < EARLY_EVENTS_LIMIT) ctx.earlyEvents.push(event);
      return;
    }
    const inviteBefore = state.invite?.status;
    if (applySmileEvent(state, event)) showDetails(ctx);
    if (state.invite?.status !== inviteBefore) ctx.documentChanged = true;
  };
  setHandler(smileEventSignal, onSmileEvent);
  // One signal for a user's events due together; the same handling, in their order.
  setHandler(smileEventsSignal, (events) => events.forEach(onSmileEvent));

  // Widget callbacks are hints from a browser: they may ask for a token refresh, never decide.
  setHandler(widgetEventSignal, (event) => {
    applyWidgetEvent(state, event);
    if (event.callback === 'onUIEvent' && event.eventName) ctx.documentChanged = true;
    if (event.callback === 'onAccountConnected' && !isConnected(state)) ctx.confirmConnection = true;
    showDetails(ctx);
    if (event.callback === 'onTokenExpired') ctx.refreshRequested = true;
  });

  setHandler(kycResultSignal, (result) => {
    if (!state.kyc || result.jobId !== state.kyc.jobId || !firstSighting(state, result.eventId)) return;
    // Recorded for the KYC step, which confirms it with job_status.
    if (ctx.kycCallback) ctx.kycCallback.resultCode = result.resultCode;
  });
}

/** A failure retries could not fix (a non-retryable Smile error, or retries exhausted) → FAILED with a reason. */
function providerFailure(error: unknown): { code: string; message: string } | undefined {
  if (!(error instanceof ActivityFailure)) return undefined;
  const cause = error.cause;
  const code = cause instanceof ApplicationFailure && cause.type ? cause.type : 'PROVIDER_FAILURE';
  return { code, message: `${error.activityType ?? 'activity'} failed: ${cause?.message ?? error.message}` };
}
