import type { BenchContext } from '../types.js';
import type { LoadResult, Mix, PostJob } from './load/types.js';
import { drain, signalStats, type SignalStats } from './probe.js';
import { FIXED_RATE, WARMUP_SECONDS, load, settle } from './runner.js';
import type { IngestStack } from './stack.js';

export const OUR_MIXES: readonly Mix[] = ['progress', 'sync', 'signalled'];

export const MIX_LABELS: Record<Mix, string> = {
  progress: 'progress events only (none signalled)',
  sync: "a sync's mix (3 of 9 signalled)",
  signalled: 'every event signalled',
};

export interface OurRun {
  result: LoadResult;
  /** Seconds after the run's last answer until none of its events was pending. */
  settledAfter: number;
  signals: SignalStats;
}

export type OurRuns = Record<Mix, { full: OurRun; steady: OurRun }>;

/**
 * `/webhooks/smile` for each mix, at full speed and at a steady FIXED_RATE; after
 * every run, waits for its events to be routed and signalled before the next.
 */
export async function measureOurs(
  ctx: BenchContext,
  stack: IngestStack,
  job: (url: string, mix: Mix, seconds: number, rate?: number) => PostJob,
  durationSeconds: number,
): Promise<OurRuns> {
  const url = `${stack.apiUrl}/webhooks/smile`;
  const measure = async (posts: PostJob): Promise<OurRun> => {
    const result = await load(posts);
    const settledAfter = await drain(stack.sql, posts.prefix);
    const signals = await signalStats(stack.sql, posts.prefix);
    await settle();
    return { result, settledAfter, signals };
  };

  ctx.log(`  /webhooks/smile warm-up: ${WARMUP_SECONDS} s at full speed, a sync's mix`);
  await measure(job(url, 'sync', WARMUP_SECONDS));
  const full = {} as Record<Mix, OurRun>;
  for (const mix of OUR_MIXES) {
    ctx.log(`  /webhooks/smile at full speed, ${MIX_LABELS[mix]}: ${durationSeconds} s`);
    full[mix] = await measure(job(url, mix, durationSeconds));
  }
  const steady = {} as Record<Mix, OurRun>;
  for (const mix of OUR_MIXES) {
    ctx.log(`  /webhooks/smile at ${FIXED_RATE} events/s, ${MIX_LABELS[mix]}: ${durationSeconds} s`);
    steady[mix] = await measure(job(url, mix, durationSeconds, FIXED_RATE));
  }
  return Object.fromEntries(OUR_MIXES.map((mix) => [mix, { full: full[mix], steady: steady[mix] }])) as OurRuns;
}
