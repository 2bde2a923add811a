import { patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
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
const STORE_OPTIONS = { startToCloseTimeout: '30s', retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '30s' } } as const;
const remoteStore = proxyActivities<Activities>(STORE_OPTIONS);
const localStore = proxyLocalActivities<Activities>(STORE_OPTIONS);

/**
 * The `patched()` id of the November 2026 release: shorter histories (local store
 * activities, fewer upserts and records) and the widget's onAccountConnected
 * confirmed with Smile. One id for both, so a new run pays for one marker.
 */
export const FEWER_EVENTS = 'fewer-history-events';

/**
 * Postgres writes run as local activities: a few milliseconds each, in the same
 * workflow task, recorded as one marker event instead of three events and a
 * further workflow task. Runs begun before this change keep their remote
 * activities (`patched`); they replay exactly as they were recorded.
 */
export const store = (): typeof localStore => (patched(FEWER_EVENTS) ? localStore : remoteStore);

/** The client's callback URL: exponential backoff for up to 24 hours (SPEC §7). */
export const callbacks = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '24h',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '1h' },
});
