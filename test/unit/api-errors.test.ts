import { ActivityFailure, ApplicationFailure, RetryState, TimeoutFailure, TimeoutType } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { toProblem, updateRefusal } from '../../api/plugins/errors.js';

/** A failed update, as the client reports it, with the given cause. */
const failedUpdate = (cause: Error) => new WorkflowUpdateFailedError('Workflow Update failed', cause);
const activity = (cause: Error) =>
  new ActivityFailure('Activity task failed', 'issueLinkToken', '1', RetryState.NON_RETRYABLE_FAILURE, 'worker', cause);

describe('a failed workflow update, mapped by its cause', () => {
  it.each([
    [
      'the run is closed',
      ApplicationFailure.nonRetryable('verification is EXPIRED', 'VerificationClosed'),
      'closed',
      409,
    ],
    [
      'Smile refused a token',
      activity(ApplicationFailure.nonRetryable('Smile answered 404', 'SmileMissingResource')),
      'smile',
      502,
    ],
    [
      'the run failed at Smile before it held a token',
      ApplicationFailure.nonRetryable('Smile failed: SmileInvalidParameters', 'SmileFailed'),
      'smile',
      502,
    ],
    [
      'Smile unreachable',
      activity(ApplicationFailure.retryable('Smile unreachable: ECONNREFUSED', 'SmileUnreachable')),
      'smile-unreachable',
      503,
    ],
    [
      'the activity timed out',
      activity(new TimeoutFailure('timed out', undefined, TimeoutType.START_TO_CLOSE)),
      'smile-unreachable',
      503,
    ],
    ['anything else', ApplicationFailure.nonRetryable('boom', 'TypeError'), 'other', 500],
  ])('%s', (_, cause, refusal, status) => {
    const error = failedUpdate(cause);
    expect(updateRefusal(error)).toBe(refusal);
    const problem = toProblem(error);
    expect(problem.status).toBe(status);
    expect(problem.title).toMatch(/^[A-Z][a-z]+( [a-z]+)*$/);
    if (status === 502) expect(problem.detail).toMatch(/^Smile/);
  });
});
