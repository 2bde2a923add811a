import { proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities, SmileActivities } from '../activities/index.js';
import { SMILE_USER_ACTIVITIES, smileTaskQueue, smileUserTaskQueue } from './task-queues.js';

/**
 * Activity proxies, one per kind of side effect, each with the retry policy
 * that fits it and typed with only the activities it may call. Non-retryable
 * failures (a Smile error such as MISSING_RESOURCE) end the retries at once;
 * the workflow then closes FAILED with a reason.
 */

type StoreActivities = Pick<
  Activities,
  | 'recordVerification'
  | 'evaluateVerification'
  | 'recordCallbackOutcome'
  | 'reevaluateVerification'
  | 'recordMonitoring'
  | 'recordReviewAudit'
>;
type CallbackActivities = Pick<Activities, 'deliverResultCallback'>;

const SMILE_RETRY = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 15 };
const onSmileQueue = () => ({ taskQueue: smileTaskQueue(workflowInfo().taskQueue) });

const SMILE_OPTIONS = { startToCloseTimeout: '30s', scheduleToCloseTimeout: '15m', retry: SMILE_RETRY } as const;
type SmileProxy = ReturnType<typeof proxyActivities<SmileActivities>>;

/**
 * Smile and the KYC provider, one request an attempt, on the Smile task queues
 * (rate-limited for every worker together): retry transient errors for about
 * ten minutes, then give up. A start's and a token refresh's activities go to
 * the queue of calls a person waits on, never behind background work.
 */
export const smile = (): SmileProxy => {
  const background = proxyActivities<SmileActivities>({ ...onSmileQueue(), ...SMILE_OPTIONS });
  const forUser = proxyActivities<SmileActivities>({
    taskQueue: smileUserTaskQueue(workflowInfo().taskQueue),
    ...SMILE_OPTIONS,
  });
  const userWaitsOn: readonly string[] = SMILE_USER_ACTIVITIES;
  return new Proxy(background, {
    get: (target, name) =>
      (typeof name === 'string' && userWaitsOn.includes(name) ? forUser : target)[name as keyof SmileProxy],
  });
};

/**
 * Fetches that page through the Smile API: each page heartbeats its cursor, and
 * a retried attempt resumes from it; no fetch runs longer than 30 minutes in all.
 */
export const smilePages = (): ReturnType<
  typeof proxyActivities<Pick<SmileActivities, 'fetchAndStoreDatapoints' | 'storeTaskPayload'>>
> =>
  proxyActivities<Pick<SmileActivities, 'fetchAndStoreDatapoints' | 'storeTaskPayload'>>({
    ...onSmileQueue(),
    startToCloseTimeout: '5m',
    heartbeatTimeout: '1m',
    scheduleToCloseTimeout: '30m',
    retry: SMILE_RETRY,
  });

/** Asking Smile whether an account connected: a hint, so a few quick attempts, then the wait goes on. */
export const smileCheck = (): ReturnType<typeof proxyActivities<Pick<Activities, 'connectedAccounts'>>> =>
  proxyActivities<Pick<Activities, 'connectedAccounts'>>({
    ...onSmileQueue(),
    startToCloseTimeout: '30s',
    scheduleToCloseTimeout: '2m',
    retry: { ...SMILE_RETRY, maximumAttempts: 3 },
  });

/** Postgres: a restart or a failover is worth waiting for, up to an hour. */
const STORE_OPTIONS = {
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '1h',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '30s' },
} as const;
const localStore = proxyLocalActivities<StoreActivities>(STORE_OPTIONS);

/**
 * Postgres writes run as local activities: a few milliseconds each, in the same
 * workflow task, recorded as one marker event instead of three events and a
 * further workflow task.
 */
export const store = (): typeof localStore => localStore;

/** The monitor's Postgres writes: local activities always (the monitor has no runs without them). */
export const monitorStore = (): typeof localStore => localStore;

/** The client's callback URL: exponential backoff for up to 24 hours. */
export const callbacks = proxyActivities<CallbackActivities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '24h',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '1h' },
});

type StopActivities = Pick<Activities, 'cancelUserVerification'>;
type PurgeActivities = Pick<
  Activities,
  | 'accountsToRevoke'
  | 'eraseUserData'
  | 'purgeExpiredRuns'
  | 'finishUserErasure'
  | 'smileUsersOf'
  | 'expireOrphanEvents'
>;

/**
 * Stopping a user's workflow waits, heartbeating, until it has closed: that may
 * take its cleanup's time, so a long attempt, and a lost worker is noticed in 30 s.
 */
export const stopWorkflows = (): ReturnType<typeof proxyActivities<StopActivities>> =>
  proxyActivities<StopActivities>({
    startToCloseTimeout: '10m',
    heartbeatTimeout: '30s',
    scheduleToCloseTimeout: '1h',
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
  });

/** The erasure's and the purge's Postgres transactions (a batch of 100 runs at most): retried like `store`. */
export const purge = (): ReturnType<typeof proxyActivities<PurgeActivities>> =>
  proxyActivities<PurgeActivities>({ ...STORE_OPTIONS, startToCloseTimeout: '2m' });

type SmileAccountActivities = Pick<Activities, 'revokeSmileAccount' | 'disableSmileMonitor' | 'smileAccountsOf'>;

/**
 * A user's accounts at Smile: listing them, turning their continuous sync off,
 * revoking them. One request (or one paged listing) an attempt on the Smile task
 * queue, like every Smile call.
 */
export const smileAccounts = (): ReturnType<typeof proxyActivities<SmileAccountActivities>> =>
  proxyActivities<SmileAccountActivities>({
    ...onSmileQueue(),
    startToCloseTimeout: '30s',
    scheduleToCloseTimeout: '15m',
    retry: SMILE_RETRY,
  });
