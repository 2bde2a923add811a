import { Context } from '@temporalio/activity';
import type { CallContext } from './client.js';
import type { Priority } from './limiter.js';

/** When each running activity attempt first called Smile: close to when it started. */
const firstCall = new WeakMap<Context, number>();

/**
 * The running activity's cancellation signal and deadline for the Smile client:
 * a request is aborted when the activity is cancelled (or times out), and none
 * starts waiting for a rate-limit turn it could not use before the attempt's
 * `startToCloseTimeout`; the activities of `userWaitsOn` go first, the others are
 * background work. Outside an activity there is neither, and a request counts as
 * one a person waits on.
 */
export function activityCallContext(userWaitsOn: readonly string[] = []): CallContext {
  let context: Context;
  try {
    context = Context.current();
  } catch {
    return {};
  }
  const startedAt = firstCall.get(context) ?? Date.now();
  firstCall.set(context, startedAt);
  const { startToCloseTimeoutMs, heartbeatTimeoutMs } = context.info;
  // A heartbeating activity may not wait for a turn longer than its heartbeat timeout either.
  const deadline = Math.min(
    startedAt + startToCloseTimeoutMs,
    heartbeatTimeoutMs ? Date.now() + heartbeatTimeoutMs : Infinity,
  );
  // Requests of the activities a person waits on take the budget before background work.
  const priority: Priority = userWaitsOn.includes(context.info.activityType) ? 'user' : 'background';
  return { signal: context.cancellationSignal, deadline, priority };
}

/** Where a paged fetch has got to: the account (by position), the data kind and the cursor of its next page. */
export interface FetchProgress {
  source?: number;
  kind: string;
  cursor?: string | number;
}

/** Reports progress to Temporal (the heartbeat keeps a long fetch alive); nothing outside an activity. */
export function heartbeat(progress: FetchProgress): void {
  try {
    Context.current().heartbeat(progress);
  } catch {
    // not in an activity: nobody to tell
  }
}

/** The progress the previous attempt of this activity reported, to resume from. */
export function lastProgress(): FetchProgress | undefined {
  try {
    return Context.current().info.heartbeatDetails as FetchProgress | undefined;
  } catch {
    return undefined;
  }
}
