import type { BenchContext } from '../types.js';
import { startBaselines } from './baselines.js';
import type { Mix, PostJob } from './load/types.js';
import { drain } from './probe.js';
import { WARMUP_SECONDS, load, settle } from './runner.js';
import { INGEST_WEBHOOK_SECRET, type IngestStack } from './stack.js';

/** One more measurement of the group-commit limit and of our progress events, back to back. */
export interface ProgressPair {
  groupCommit: number;
  progress: number;
}

/**
 * The progress-events target is a ratio of two runs on a shared machine, so it
 * is judged on the median of three pairs: the section's own and `times` more.
 */
export async function progressPairs(
  ctx: BenchContext,
  stack: IngestStack,
  job: (url: string, mix: Mix, seconds: number) => PostJob,
  durationSeconds: number,
  times: number,
): Promise<ProgressPair[]> {
  const bare = await startBaselines(stack.serverUrl, INGEST_WEBHOOK_SECRET);
  try {
    const pairs: ProgressPair[] = [];
    for (let i = 0; i < times; i++) {
      ctx.log(`  again (${i + 2} of ${times + 1}): group commit, then progress events, ${durationSeconds} s each`);
      await load(job(bare.groupCommitUrl, 'signalled', WARMUP_SECONDS));
      const groupCommit = await load(job(bare.groupCommitUrl, 'signalled', durationSeconds));
      const posts = job(`${stack.apiUrl}/webhooks/smile`, 'progress', durationSeconds);
      const progress = await load(posts);
      await drain(stack.sql, posts.prefix);
      await settle();
      pairs.push({ groupCommit: groupCommit.perSecond, progress: progress.perSecond });
    }
    return pairs;
  } finally {
    await bare.close();
  }
}
