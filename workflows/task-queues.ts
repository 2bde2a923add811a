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
