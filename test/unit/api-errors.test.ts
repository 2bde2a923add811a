import { ActivityFailure, ApplicationFailure, RetryState, TimeoutFailure, TimeoutType } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { toProblem, updateRefusal, type UpdateRefusal } from '../../api/plugins/errors.js';

/** A failed update, as the client reports it, with the given cause. */
const failedUpdate = (cause: Error) => new WorkflowUpdateFailedError('Workflow Update failed', cause);
const activity = (cause: Error) =>
  new ActivityFailure('Activity task failed', 'issueLinkToken', '1', RetryState.NON_RETRYABLE_FAILURE, 'worker', cause);
const fatal = (message: string, type: string) => ApplicationFailure.nonRetryable(message, type);
const retryable = (message: string, type: string) => ApplicationFailure.retryable(message, type);

/** The HTTP status each refusal answers with. */
const STATUS: Record<UpdateRefusal, number> = { closed: 409, smile: 502, 'smile-unreachable': 503, other: 500 };

describe('a failed workflow update, mapped by its cause', () => {
  it.each<[string, Error, UpdateRefusal]>([
    ['the run is closed', fatal('verification is EXPIRED', 'VerificationClosed'), 'closed'],
    ['Smile refused a token', activity(fatal('Smile answered 404', 'SmileMissingResource')), 'smile'],
    ['the run failed at Smile without a token', fatal('Smile failed: SmileInvalidParameters', 'SmileFailed'), 'smile'],
    [
      'Smile unreachable',
      activity(retryable('Smile unreachable: ECONNREFUSED', 'SmileUnreachable')),
      'smile-unreachable',
    ],
    [
      'the activity timed out',
      activity(new TimeoutFailure('timed out', undefined, TimeoutType.START_TO_CLOSE)),
      'smile-unreachable',
    ],
    ['anything else', fatal('boom', 'TypeError'), 'other'],
  ])('%s', (_, cause, refusal) => {
    const error = failedUpdate(cause);
    expect(updateRefusal(error)).toBe(refusal);
    const problem = toProblem(error);
    expect(problem.status).toBe(STATUS[refusal]);
    expect(problem.title).toMatch(/^[A-Z][a-z]+( [a-z]+)*$/);
    if (refusal === 'smile') expect(problem.detail).toMatch(/^Smile/);
  });
});
