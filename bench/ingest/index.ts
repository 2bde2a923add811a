/**
 * Webhook ingest and status reads: our `/webhooks/smile` for three mixes of
 * events beside the baselines that bound it (bare HMAC, HMAC + one insert per
 * request, HMAC + group commit, raw Temporal signals), then `GET
 * /v1/verifications/:id` beside `/healthz`, all in one run on one stack. The load
 * runs in its own process (./load/main.ts) so it never shares the servers' event loop.
 */
import type { BenchContext, BenchSection } from '../types.js';
import { startBaselines } from './baselines.js';
import { breakdown } from './breakdown.js';
import type { PostJob } from './load/types.js';
import { measureOurs } from './ours.js';
import { inboxStates } from './probe.js';
import { measureReads, readsSection } from './reads.js';
import { progressPairs } from './repeats.js';
import { ingestSection } from './report.js';
import { CONNECTIONS, WARMUP_SECONDS, load, measureCpuOf, settle, webhookJobs } from './runner.js';
import { INGEST_WEBHOOK_SECRET, startIngestStack, type IngestStack } from './stack.js';
import type { IngestFigures } from './table.js';
import { startVerifications, webhookUsers, type Waiting } from './waiting.js';

const USERS = 50;

/** The bare servers, each warmed up, then measured at full speed; the raw signals last. */
async function measureBaselines(
  ctx: BenchContext,
  stack: IngestStack,
  targets: Waiting[],
  job: (url: string, mix: 'signalled', seconds: number) => PostJob,
  durationSeconds: number,
): Promise<IngestFigures['bare']> {
  const bare = await startBaselines(stack.serverUrl, INGEST_WEBHOOK_SECRET);
  try {
    const fullSpeed = async (name: string, url: string) => {
      ctx.log(`  ${name}: warm-up ${WARMUP_SECONDS} s, then ${durationSeconds} s`);
      await load(job(url, 'signalled', WARMUP_SECONDS));
      return load(job(url, 'signalled', durationSeconds));
    };
    const hmac = await fullSpeed('bare HMAC', bare.hmacUrl);
    const insert = await fullSpeed('bare HMAC + one insert per request', bare.insertUrl);
    const groupCommit = await fullSpeed('bare HMAC + group commit', bare.groupCommitUrl);
    ctx.log(`  raw Temporal signals, ${CONNECTIONS} in flight: warm-up ${WARMUP_SECONDS} s, then ${durationSeconds} s`);
    let run = 0;
    const signals = (seconds: number) =>
      load({
        mode: 'signals',
        address: stack.temporalAddress,
        namespace: stack.config.temporal.namespace,
        prefix: `et-raw-${process.pid}-${run++}`,
        targets,
        concurrency: CONNECTIONS,
        durationSeconds: seconds,
      });
    await signals(WARMUP_SECONDS);
    const raw = await signals(durationSeconds);
    await settle();
    return { hmac, insert, groupCommit, signals: raw };
  } finally {
    await bare.close();
  }
}

export async function benchIngest(ctx: BenchContext): Promise<BenchSection[]> {
  const durationSeconds = ctx.quick ? 3 : 4;
  const started = Date.now();
  const stack = await startIngestStack(ctx);
  measureCpuOf({ temporal: stack.temporalPid });
  try {
    ctx.log(`  starting ${USERS} verifications`);
    const targets = await startVerifications(stack, USERS);
    await settle(); // the workflows' first tasks, before anything is measured
    const smileUserIds = webhookUsers(targets);
    const job = webhookJobs({ secret: INGEST_WEBHOOK_SECRET, smileUserIds });

    const bare = await measureBaselines(ctx, stack, targets, job, durationSeconds);
    const ours = await measureOurs(ctx, stack, job, durationSeconds);
    const repeats = await progressPairs(ctx, stack, job, durationSeconds, 2);
    ctx.log('  breakdown of one request, no contention');
    const parts = await breakdown(stack, targets, ctx.quick ? 100 : 300);
    const inbox = await inboxStates(stack.sql);
    await settle();
    const reads = await measureReads(ctx, stack, targets, durationSeconds);

    const shape = {
      durationSeconds,
      warmupSeconds: WARMUP_SECONDS,
      connections: CONNECTIONS,
      users: USERS,
      unknownUsers: smileUserIds.length - USERS,
      elapsedSeconds: Math.round((Date.now() - started) / 1000),
    };
    return [
      ingestSection({ bare, ours, breakdown: parts, inbox, repeats }, shape),
      readsSection(reads, USERS, durationSeconds),
    ];
  } finally {
    await stack.close();
  }
}
