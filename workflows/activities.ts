import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

/**
 * Activity proxies, one per kind of side effect, each with the retry policy
 * that fits it. Non-retryable failures (a Smile error such as MISSING_RESOURCE)
 * end the retries at once; the workflow then closes FAILED with a reason.
 */

/** Smile and the KYC provider: retry transient errors for about ten minutes, then give up. */
export const smile = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 15 },
});

/** Postgres: a restart or a failover is worth waiting for. */
export const store = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '30s' },
});

/** The client's callback URL: exponential backoff for up to 24 hours (SPEC §7). */
export const callbacks = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '24h',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '1h' },
});
