import { ApplicationFailure } from '@temporalio/common';

/**
 * SQLSTATE classes a retry would hit again: data exceptions (22, such as a NUL in
 * text) and integrity constraint violations (23). Anything else (a restart, a
 * failover, a timeout) is worth retrying.
 */
const DETERMINISTIC_CLASSES = new Set(['22', '23']);

function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * A database error that the same statement would raise again becomes a
 * non-retryable `DatabaseRejected` failure, so the run closes FAILED with a
 * reason instead of retrying forever. The message names only the SQLSTATE: the
 * server's text may quote the rejected data.
 */
export function failDeterministicDatabaseErrors<T extends Record<string, (...args: never[]) => Promise<unknown>>>(
  activities: T,
): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, activity] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      try {
        return await activity(...args);
      } catch (error) {
        const state = sqlState(error);
        if (state && DETERMINISTIC_CLASSES.has(state.slice(0, 2)))
          throw ApplicationFailure.nonRetryable(
            `the database rejected the data (SQLSTATE ${state})`,
            'DatabaseRejected',
          );
        throw error;
      }
    };
  }
  return wrapped as T;
}
