import { patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

/**
 * Activity proxies, one per kind of side effect, each with the retry policy
 * that fits it and typed with only the activities it may call. Non-retryable
 * failures (a Smile error such as MISSING_RESOURCE) end the retries at once;
 * the workflow then closes FAILED with a reason.
 */

type SmileActivities = Pick<
  Activities,
  | 'issueLinkToken'
  | 'refreshLinkToken'
  | 'connectedAccounts'
  | 'fetchAndStoreDatapoints'
  | 'submitKycJob'
  | 'getKycJobStatus'
>;
type StoreActivities = Pick<
  Activities,
  'recordVerification' | 'storeTaskPayload' | 'evaluateVerification' | 'recordCallbackOutcome'
>;
type CallbackActivities = Pick<Activities, 'deliverResultCallback'>;

/** Smile and the KYC provider: retry transient errors for about ten minutes, then give up. */
export const smile = proxyActivities<SmileActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 15 },
});

/** Postgres: a restart or a failover is worth waiting for. */
const STORE_OPTIONS = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '30s' },
} as const;
const remoteStore = proxyActivities<StoreActivities>(STORE_OPTIONS);
const localStore = proxyLocalActivities<StoreActivities>(STORE_OPTIONS);

const FEWER_EVENTS = 'fewer-history-events';

/**
 * Whether this run writes the shorter history (`patched('fewer-history-events')`).
 * It guards four things at once, so a run pays for one marker:
 * - Postgres writes run as local activities (see `store`);
 * - search attributes are written with the next status change, in one upsert;
 * - one status document is stored per status, not one per step;
 * - the widget's onAccountConnected is confirmed with Smile's account list.
 * Runs started without the patch replay as they were recorded. Once no such run
 * is open (the namespace's retention has passed since the last of them closed),
 * `deprecatePatch(FEWER_EVENTS)` may replace this call, the branches for runs
 * without it go, and so do their histories in test/replay/histories/.
 */
export function shortHistories(): boolean {
  return patched(FEWER_EVENTS);
}

/**
 * Postgres writes run as local activities: a few milliseconds each, in the same
 * workflow task, recorded as one marker event instead of three events and a
 * further workflow task.
 */
export const store = (): typeof localStore => (shortHistories() ? localStore : remoteStore);

/** The client's callback URL: exponential backoff for up to 24 hours (SPEC §7). */
export const callbacks = proxyActivities<CallbackActivities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '24h',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '1h' },
});
