import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { dropDatabase } from '../db/client.js';
import { startTemporalCluster } from '../scripts/cluster/stack.js';
import { freePorts } from '../scripts/cluster/topology.js';
import { decided, startAndConnect } from './end-to-end.js';
import { percentile, pool, round, startBenchStack } from './stack.js';
import type { BenchContext, BenchSection } from './types.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SHARDS = 16;

interface Figures {
  burstPerSecond: number;
  steadyPerSecond: number;
  p50: number;
  p99: number;
}

/** Users in flight at once in the throughput run: enough to queue, not a thundering herd of update-with-starts. */
const IN_FLIGHT = 20;

/** The same workload on one Temporal: n with IN_FLIGHT at a time (throughput), then n arriving at `rate` per second (latency). */
async function measure(ctx: BenchContext, label: string, n: number, rate: number, temporalAddress?: string) {
  const stack = await startBenchStack(ctx, temporalAddress ? { temporalAddress } : {});
  const id = label.replaceAll(' ', '-');
  try {
    await decided(stack, [await startAndConnect(stack, `warmup-${id}`)]);
    ctx.log(`  ${label}: ${n}, ${IN_FLIGHT} at a time`);
    const started = Date.now();
    const burst = await pool(
      Array.from({ length: n }, (_, i) => `burst-${id}-${i}`),
      IN_FLIGHT,
      (user) => startAndConnect(stack, user),
    );
    await decided(stack, burst);
    const burstPerSecond = n / ((Date.now() - started) / 1000);
    ctx.log(`  ${label}: ${n} arriving at ${rate}/s`);
    const steadyStarted = Date.now();
    const steady = await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        await sleep((i * 1_000) / rate);
        return startAndConnect(stack, `steady-${id}-${i}`);
      }),
    );
    const ms = (await decided(stack, steady)).map((r) => r.ms);
    const steadyPerSecond = n / ((Date.now() - steadyStarted) / 1000);
    return { burstPerSecond, steadyPerSecond, p50: percentile(ms, 50), p99: percentile(ms, 99) } satisfies Figures;
  } catch (error) {
    // Said before the stack closes: requests still in flight then fail on the closed connection.
    ctx.log(`  ${label} failed: ${(error as Error).message} ${String((error as Error).cause ?? '')}`);
    throw error;
  } finally {
    await stack.close();
  }
}

/**
 * The cluster beside the dev server: the same API, worker and workload, once on a Temporal dev
 * server (one process, SQLite in memory) and once on `npm run cluster`'s Temporal (five processes,
 * two of them history, Postgres persistence and SQL visibility, 16 shards), in one run.
 */
export async function benchCluster(ctx: BenchContext): Promise<BenchSection> {
  const n = ctx.quick ? 20 : 100;
  const rate = 4;
  const dev = await measure(ctx, 'dev server', n, rate);

  const dir = await mkdtemp(join(tmpdir(), 'smile-verify-bench-cluster-'));
  const suffix = randomBytes(4).toString('hex');
  const temporalDatabases = {
    persistence: `temporal_bench_${suffix}`,
    visibility: `temporal_visibility_bench_${suffix}`,
  };
  const temporal = await startTemporalCluster({
    root: ROOT,
    ports: await freePorts(),
    temporalPostgresUrl: ctx.databaseUrl,
    temporalDatabases,
    numHistoryShards: SHARDS,
    namespace: 'default',
    dir,
    log: (line) => ctx.log(`  ${line}`),
  });
  let cluster: Figures;
  try {
    cluster = await measure(ctx, 'cluster', n, rate, temporal.address);
  } finally {
    await temporal.stop();
    for (const name of Object.values(temporalDatabases))
      await dropDatabase(new URL(`/${name}`, ctx.databaseUrl).toString()).catch(() => {});
    await rm(dir, { recursive: true, force: true });
  }

  const row = (label: string, f: Figures) => [
    label,
    round(f.burstPerSecond, 2),
    round(f.steadyPerSecond, 2),
    round(f.p50),
    round(f.p99),
  ];
  return {
    id: 'cluster',
    title: 'The Temporal cluster beside the dev server',
    method: `The same API (in the bench process), worker process, sandbox and database, on a Temporal dev server (one process, in memory) and then on the cluster of \`npm run cluster\` (frontend, two history, matching and worker processes on Postgres, SQL visibility, ${SHARDS} shards), in one run: ${n} verifications as George, ${IN_FLIGHT} users at a time (verifications per second until all are decided), then ${n} arriving at ${rate} per second (latency from the API receiving TASK_FINISHED to the decision row, on Postgres's clock).`,
    columns: [
      'Temporal',
      `${n}, ${IN_FLIGHT} at a time: verifications/s`,
      `${n} at ${rate}/s: verifications/s`,
      'TASK_FINISHED → decision p50 (ms)',
      'p99 (ms)',
    ],
    rows: [row('dev server (baseline)', dev), row(`cluster (5 processes, ${SHARDS} shards)`, cluster)],
    targets: [
      {
        target: 'decision under 250 ms p50 after the last webhook, on the cluster',
        measured: `${round(cluster.p50)} ms on the cluster, ${round(dev.p50)} ms on the dev server (${n} arriving at ${rate}/s)`,
        met: cluster.p50 < 250,
      },
    ],
    chart: {
      unit: 'ms (TASK_FINISHED → decision, p50)',
      bars: [
        { label: 'dev server', value: round(dev.p50) },
        { label: 'cluster', value: round(cluster.p50) },
      ],
    },
    notes: [
      `On one 2-core machine the cluster's five Go processes and Postgres share the cores with the API, the worker and the sandbox; every workflow task and timer is a Postgres transaction instead of SQLite in memory. On separate hosts the history processes scale out; here the figures show the cost of the real engine's persistence, not its ceiling.`,
    ],
  };
}
