import { ApplicationFailure } from '@temporalio/common';

/** Smile's error codes (api-conventions.md): which are worth retrying. */
const NON_RETRYABLE = new Set([
  'INVALID_PARAMETERS',
  'INVALID_CREDENTIALS',
  'INVALID_TOKEN',
  'UNAUTHORIZED_ACCESS',
  'MISSING_RESOURCE',
]);
const RETRYABLE = new Set(['REQUEST_LIMIT_EXCEEDED', 'SERVER_ERROR', 'SERVER_UNAVAILABLE', 'TIME_LIMIT_EXCEEDED']);

/** `MISSING_RESOURCE` → `SmileMissingResource`: the ApplicationFailure type activities fail with. */
function failureType(code: string): string {
  return 'Smile' + code.toLowerCase().replace(/(^|_)([a-z])/g, (_, __, letter: string) => letter.toUpperCase());
}

/**
 * The failure for a Smile error answer. Temporal retries the activity only when
 * Smile says the problem is transient (or we cannot tell: an unknown 5xx).
 * Details carry code, status and request id: never personal data.
 */
export function smileFailure(code: string, status: number, requestId?: string): ApplicationFailure {
  const retryable = RETRYABLE.has(code) || (!NON_RETRYABLE.has(code) && (status >= 500 || status === 429));
  const message = `Smile answered ${status} ${code}`;
  const details = [{ code, status, requestId }];
  return retryable
    ? ApplicationFailure.retryable(message, failureType(code), ...details)
    : ApplicationFailure.nonRetryable(message, failureType(code), ...details);
}

export function networkFailure(error: unknown): ApplicationFailure {
  const timedOut = (error as Error).name === 'TimeoutError';
  return ApplicationFailure.retryable(
    timedOut ? 'Smile did not answer in time' : `Smile unreachable: ${(error as Error).message}`,
    timedOut ? 'SmileTimeout' : 'SmileUnreachable',
  );
}

export function invalidResponse(path: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`Smile's answer to ${path} does not match its schema`, 'SmileInvalidResponse');
}
