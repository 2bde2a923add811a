import { setTimeout as sleep } from 'node:timers/promises';
import { measureCpu } from './cpu.js';
import { api, pool, round, startBenchStack, type BenchStack } from './stack.js';
import type { BenchContext, BenchSection } from './types.js';

/** A few of the worker's Prometheus series (Temporal's runtime metrics). */
async function workerMetrics(stack: BenchStack): Promise<Record<string, number>> {
  const text = await fetch(stack.worker.metricsUrl).then((r) => r.text());
  const sum = (name: string) =>
    text
      .split('\n')
      .filter((line) => line.startsWith(name) && !line.startsWith('#'))
      .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  return {
    cacheSize: sum('temporal_sticky_cache_size'),
    cacheHits: sum('temporal_sticky_cache_hit'),
    cacheMisses: sum('temporal_sticky_cache_miss'),
    evictions: sum('temporal_sticky_cache_total_forced_eviction'),
  };
}

/** The restarted worker resumes one verification in this many (the rate is what is measured). */
const RESUME_EVERY = 20;

/** Each part's CPU time per started verification (bench/cpu.ts), in ms. */
function cpuPerStart(cpu: { cores: Record<string, number>; seconds: number } | undefined, n: number): string {
  if (!cpu) return '—';
  const ms = (name: string) => Math.round(((cpu.cores[name] ?? 0) * cpu.seconds * 1000) / n);
  return ['worker', 'temporal', 'postgres', 'this process', 'rest'].map(ms).join(' / ');
}

/** Queries every verification; on a cold worker each query replays that workflow's history. */
async function queryAll(stack: BenchStack, ids: string[], concurrency = 32): Promise<number> {
  const started = Date.now();
  await pool(ids, concurrency, async (id) => {
    await stack.temporal.client.workflow.getHandle(id).query('status');
  });
  return (Date.now() - started) / 1000;
}

/**
 * Scale: N open verifications waiting for their users on one worker process.
 * Measures the worker's resident memory (beside its idle baseline), what its
 * workflow cache does, and the time for a restarted worker to bring every
 * verification back (one query each: a replay of its history unless cached),
 * beside the same queries on the warm worker.
 */
export async function benchScale(ctx: BenchContext): Promise<BenchSection> {
  const n = ctx.quick ? 1_000 : 10_000;
  const stack = await startBenchStack(ctx);
  try {
    await sleep(2_000);
    const idleRss = await stack.worker.rssMb();

    ctx.log(`  starting ${n.toLocaleString('en-US')} verifications (each: Smile user, link token, first record)`);
    const ids: string[] = [];
    const started = Date.now();
    // The worker's RSS each second while starting: V8 grows its heaps under a burst and gives the space back later.
    let lastRss = idleRss;
    let peakRss = idleRss;
    const sample = (mb: number) => ((lastRss = mb), (peakRss = Math.max(peakRss, mb)));
    const sampler = setInterval(() => void stack.worker.rssMb().then(sample, () => {}), 1_000);
    let startCpu: Awaited<ReturnType<typeof measureCpu>>['cpu'] | undefined;
    try {
      const named = { worker: stack.worker.pid(), temporal: stack.server?.process.pid };
      ({ cpu: startCpu } = await measureCpu(named, () =>
        pool(
          Array.from({ length: n }, (_, i) => `scale-${i}`),
          64,
          async (externalUserId, i) => {
            const start = () =>
              api<{ verificationId: string }>(stack, 'POST', '/v1/verifications', {
                externalUserId,
                policy: { connectTimeout: '24h' },
              });
            let response = await start();
            // A 503 says Temporal did not answer in time (a loaded machine): retry, as a client would (starts are idempotent).
            for (let attempt = 1; response.status === 503 && attempt < 5; attempt++) response = await start();
            if (response.status >= 300)
              throw new Error(`start ${externalUserId}: ${response.status} ${JSON.stringify(response.body)}`);
            ids.push(response.body.verificationId);
            if ((i + 1) % 1_000 === 0) {
              const rate = Math.round((i + 1) / ((Date.now() - started) / 1000));
              ctx.log(`    ${(i + 1).toLocaleString('en-US')} started (${rate}/s), worker RSS ${round(lastRss)} MB`);
            }
          },
        ),
      ));
    } finally {
      clearInterval(sampler);
    }
    const startSeconds = (Date.now() - started) / 1000;
    await sleep(5_000);
    const openRss = await stack.worker.rssMb();
    const openMetrics = await workerMetrics(stack);

    // Baseline: the same queries on the running worker, to the verifications its cache holds (the last started).
    const cached = stack.config.worker.maxCachedWorkflows;
    const warm = ids.slice(-Math.min(cached, n));
    ctx.log(`  warm: querying the ${warm.length.toLocaleString('en-US')} cached verifications on the running worker`);
    const warmSeconds = ((await queryAll(stack, warm)) * n) / warm.length;

    ctx.log('  restarting the worker (SIGKILL), then querying every verification');
    const restartStarted = Date.now();
    await stack.worker.restart();
    const restartSeconds = (Date.now() - restartStarted) / 1000;
    // One verification in RESUME_EVERY: the rate of replaying from history is the same, in a fraction of the time.
    const resumed = ids.filter((_, i) => i % RESUME_EVERY === 0);
    const coldSeconds = ((await queryAll(stack, resumed)) * n) / resumed.length;
    const afterRss = await stack.worker.rssMb();
    const afterMetrics = await workerMetrics(stack);

    return {
      id: 'scale',
      title: `Scale: ${n.toLocaleString('en-US')} open verifications on one worker`,
      method: `${n.toLocaleString('en-US')} verifications started through the API (64 at a time) and left waiting for a connection; one worker process with the prebuilt bundle and its workflow cache capped at WORKER_MAX_CACHED_WORKFLOWS (${cached}, the default). Memory is the worker's resident set (/proc), read 5 s after the last start, and sampled every second while starting for the peak; the cache figures come from its Prometheus endpoint. "Resume" queries one verification in ${RESUME_EVERY} (32 at a time) on the restarted (SIGKILLed) worker, where each query has to replay that workflow from its history, and scales the time to all ${n.toLocaleString('en-US')}. The baseline is the same query to the ${cached} verifications the running worker holds in its cache, scaled to ${n.toLocaleString('en-US')}.`,
      columns: ['measure', 'value', 'baseline', 'ratio'],
      rows: [
        ['worker RSS, MB', round(openRss), `${round(idleRss)} idle`, `${round(openRss / idleRss, 2)}×`],
        [
          'peak worker RSS while starting, MB',
          round(peakRss),
          `${round(idleRss)} idle`,
          `${round(peakRss / idleRss, 2)}×`,
        ],
        ['starts per second', round(n / startSeconds), '—', '—'],
        ['CPU per start, ms: worker / Temporal / Postgres / API+sandbox / rest', cpuPerStart(startCpu, n), '—', '—'],
        [
          'workflows in the sticky cache',
          openMetrics.cacheSize!,
          `${n} open`,
          `${round(openMetrics.cacheSize! / n, 2)}×`,
        ],
        ['cache evictions while starting', openMetrics.evictions!, '—', '—'],
        [
          `resume all after a restart, s (from 1 in ${RESUME_EVERY})`,
          round(coldSeconds),
          `${round(warmSeconds)} s warm (rate of the ${warm.length} cached)`,
          `${round(coldSeconds / warmSeconds, 2)}×`,
        ],
        ['resumed per second', round(n / coldSeconds), `${round(n / warmSeconds)} warm`, '—'],
        ['worker restart until polling, s', round(restartSeconds, 2), '—', '—'],
        [
          `worker RSS after resuming 1 in ${RESUME_EVERY}, MB`,
          round(afterRss),
          `${round(idleRss)} idle`,
          `${round(afterRss / idleRss, 2)}×`,
        ],
      ],
      targets: [
        {
          target: '10,000 open verifications under 500 MB of worker RSS',
          measured: `${round(openRss)} MB with ${n.toLocaleString('en-US')} open (${round(afterRss)} MB after resuming 1 in ${RESUME_EVERY})`,
          met: n >= 10_000 && Math.max(openRss, afterRss) < 500,
        },
      ],
      chart: {
        unit: 'worker RSS, MB',
        bars: [
          { label: 'idle', value: round(idleRss) },
          { label: `${n.toLocaleString('en-US')} open`, value: round(openRss) },
          { label: `after resuming 1 in ${RESUME_EVERY}`, value: round(afterRss) },
        ],
      },
      notes: [
        `After the restart the cache held ${afterMetrics.cacheSize} workflows (hits ${afterMetrics.cacheHits}, misses ${afterMetrics.cacheMisses}).`,
        `The peak (${round(peakRss)} MB) comes from the burst of 64 starts at a time more than from the verifications: under that allocation rate V8 lets both of the worker's heaps (activities on the main thread, workflows on their thread) grow well past what they hold live, and shrinks them once the burst ends. The target is judged on the verifications waiting.`,
      ],
    };
  } finally {
    await stack.close();
  }
}
