import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { RETENTION_SCHEDULE_ID } from '../workflows/ids.js';
import type { RetentionInput, retentionWorkflow } from '../workflows/retention.js';

export interface RetentionScheduleOptions {
  taskQueue: string;
  retentionDays: number;
  scheduleId?: string;
}

const DAY_MS = 86_400_000;
/** 03:00 UTC: a quiet hour for most of Southeast Asia's evening traffic to have passed. */
const OFFSET_MS = 3 * 3_600_000;

/**
 * The daily Schedule that starts the retention purge, created at
 * worker start if missing. An existing one is left as it is when it already
 * says the same (interval, task queue, DATA_RETENTION_DAYS), and updated when it
 * differs; pausing it in the UI survives a restart. What it did: 'created',
 * 'updated' or 'unchanged'.
 */
export async function ensureRetentionSchedule(
  client: Client,
  { taskQueue, retentionDays, scheduleId = RETENTION_SCHEDULE_ID }: RetentionScheduleOptions,
): Promise<'created' | 'updated' | 'unchanged'> {
  const spec = { intervals: [{ every: DAY_MS, offset: OFFSET_MS }] };
  const args: [RetentionInput] = [{ retentionDays }];
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'retentionWorkflow',
    workflowId: scheduleId,
    taskQueue,
    args,
    staticSummary: `Purge personal data of verifications closed more than ${retentionDays} day(s) ago`,
  };
  try {
    await client.schedule.create<typeof retentionWorkflow>({
      scheduleId,
      spec,
      action,
      // A purge still running when the next day comes is left to finish; the next one starts after it.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  const handle = client.schedule.getHandle(scheduleId);
  const current = await handle.describe();
  const interval = current.spec.intervals?.[0];
  const same =
    current.spec.intervals?.length === 1 &&
    interval?.every === DAY_MS &&
    interval.offset === OFFSET_MS &&
    current.action.type === 'startWorkflow' &&
    current.action.workflowType === action.workflowType &&
    current.action.taskQueue === taskQueue &&
    JSON.stringify(current.action.args) === JSON.stringify(args);
  if (same) return 'unchanged';
  await handle.update((previous) => ({ ...previous, spec, action }));
  return 'updated';
}
