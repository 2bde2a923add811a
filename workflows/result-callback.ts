import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { callbacks, store } from './proxies.js';
import type { CallbackResult, CallbackStatus, CallbackType } from './types.js';

export interface ResultCallbackInput {
  runId: string;
  verificationId: string;
  callbackUrl?: string;
  /** The message's type; children started before types were `verification.completed`. */
  type?: CallbackType;
  /** The monitor's change number of a `verification.updated` message (workflows/ids.ts). */
  sequence?: number;
}

/**
 * Delivers a closed verification's status document to the client's callback
 * URL, retried with exponential backoff for up to 24 h (the activity's retry
 * policy), then records the outcome in the stored status document.
 */
export async function resultCallbackWorkflow({
  runId,
  verificationId,
  callbackUrl,
  type,
  sequence,
}: ResultCallbackInput): Promise<string> {
  let outcome: CallbackResult & { status: Exclude<CallbackStatus, 'PENDING'> };
  try {
    const delivery = await callbacks.deliverResultCallback.executeWithOptions(
      { summary: `POST ${type ?? 'the result'} of ${verificationId}` },
      [{ runId, callbackUrl, ...(type ? { type } : {}), ...(sequence !== undefined ? { sequence } : {}) }],
    );
    outcome = { status: delivery.delivered ? 'DELIVERED' : 'NOT_CONFIGURED' };
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    const cause =
      error.cause instanceof ApplicationFailure ? error.cause.message : (error.cause?.message ?? error.message);
    outcome = { status: 'FAILED', error: cause };
  }
  await store().recordCallbackOutcome({ runId, callback: outcome, ...(type ? { type } : {}) });
  return outcome.status;
}
