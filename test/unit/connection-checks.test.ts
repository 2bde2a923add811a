import { describe, expect, it } from 'vitest';
import { nextConnectionCheck } from '../../workflows/connection-checks.js';
import { durationMs } from '../../workflows/duration.js';

/** Every check of a wait from 0 to `deadline`, as the workflow runs them: each asked after the previous one. */
function checks(intervalMs: number, deadline: number): number[] {
  const times: number[] = [];
  for (let at = 0; at < deadline;) {
    at = nextConnectionCheck({ since: 0, intervalMs, deadline, after: at });
    times.push(at);
  }
  return times;
}

describe('connection checks back off', () => {
  it('come first after one interval, then at doubling gaps up to 16 intervals, and once at the deadline', () => {
    const I = 5_000;
    const times = checks(I, 100 * I);
    expect(times).toStrictEqual([1, 3, 7, 15, 31, 47, 63, 79, 95, 100].map((n) => n * I));
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps.slice(0, 5)).toStrictEqual([2 * I, 4 * I, 8 * I, 16 * I, 16 * I]);
  });

  it('5 s interval: at most 6 checks in the first 90 s', () => {
    const times = checks(5_000, durationMs('72h')).filter((t) => t <= 90_000);
    expect(times).toStrictEqual([5_000, 15_000, 35_000, 75_000]);
  });

  it('an abandoned verification under the default policy costs 22 checks, not 288', () => {
    expect(checks(durationMs('15m'), durationMs('72h'))).toHaveLength(22);
  });

  it('is the same schedule whenever it is asked (a run continued as new resumes it)', () => {
    const I = 60_000;
    const deadline = 1_000 * I;
    const since = 1_700_000_000_000;
    for (const after of [since, since + 1, since + 3 * I - 1, since + 3 * I, since + 500 * I + 17]) {
      const next = nextConnectionCheck({ since, intervalMs: I, deadline: since + deadline, after });
      const expected = checks(I, deadline).find((t) => since + t > after)! + since;
      expect(next).toBe(expected);
    }
  });

  it('never goes past the deadline, and a deadline before the first interval is the only check', () => {
    expect(checks(10_000, 4_000)).toStrictEqual([4_000]);
    expect(nextConnectionCheck({ since: 0, intervalMs: 1_000, deadline: 50_000, after: 60_000 })).toBe(50_000);
  });
});
