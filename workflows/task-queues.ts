/**
 * The Smile-calling activities' own task queue, beside the verification queue:
 * the server dispatches from it at most SMILE_RATE_LIMIT_PER_SECOND activities a
 * second across every worker (`maxTaskQueueActivitiesPerSecond`), so a backlog
 * waits in Temporal instead of in worker slots, and a slow Smile never holds up
 * workflow tasks or Postgres writes.
 */
export function smileTaskQueue(taskQueue: string): string {
  return `${taskQueue}-smile`;
}

/**
 * The Smile activities a person waits on: a start (the Smile user and its link
 * token) and a token refresh (the link-token route, onTokenExpired).
 */
export const SMILE_USER_ACTIVITIES = ['issueLinkToken', 'refreshLinkToken'] as const;

/**
 * Their own task queue, so they never wait behind a backlog of background work
 * (connection checks, fetches, revocations) on the Smile queue; their requests
 * also take the shared Smile budget before background ones.
 */
export function smileUserTaskQueue(taskQueue: string): string {
  return `${taskQueue}-smile-user`;
}
