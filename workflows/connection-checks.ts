/**
 * The gaps between connection checks grow to this many times `connectionCheckInterval`
 * and stay there: a user who linked finds out within minutes, while an abandoned
 * verification asks Smile a handful of times, not once per interval for days.
 */
export const MAX_CHECK_GAP_FACTOR = 16;

/**
 * When to next ask Smile whether an account connected, for a wait that began at
 * `since` and ends at `deadline` (epoch ms): the first check is one `intervalMs`
 * after `since`, each later gap doubles up to 16 intervals (at I, 3I, 7I, 15I,
 * 31I, 47I, … after `since`), and one more check falls on the deadline itself.
 * Returns the first check time strictly after `after`, never later than `deadline`.
 * Pure, so a run continued as new (which keeps `since`) resumes the same schedule.
 */
export function nextConnectionCheck({
  since,
  intervalMs,
  deadline,
  after,
}: {
  since: number;
  intervalMs: number;
  deadline: number;
  after: number;
}): number {
  let at = since;
  let gap = intervalMs;
  while (at <= after && at < deadline) {
    at += gap;
    gap = Math.min(gap * 2, intervalMs * MAX_CHECK_GAP_FACTOR);
    // Past the doubling, the rest of the schedule is arithmetic: skip to just before `after`.
    if (gap === intervalMs * MAX_CHECK_GAP_FACTOR && at <= after) at += Math.floor((after - at) / gap) * gap;
  }
  return Math.min(at, deadline);
}
