import type { BenchContext, BenchSection } from '../types.js';
import type { LoadResult } from './load/types.js';
import { CONNECTIONS, WARMUP_SECONDS, load } from './runner.js';
import { INGEST_API_KEY, type IngestStack } from './stack.js';
import type { Waiting } from './waiting.js';

export interface Reads {
  healthz: LoadResult;
  status: LoadResult;
}

/** `GET /v1/verifications/:id` (with the API key) round the waiting verifications, beside the same server's `/healthz`. */
export async function measureReads(
  ctx: BenchContext,
  stack: IngestStack,
  targets: Waiting[],
  durationSeconds: number,
): Promise<Reads> {
  const run = (paths: string[], seconds: number) =>
    load({
      mode: 'get',
      baseUrl: stack.apiUrl,
      paths,
      headers: { authorization: `Bearer ${INGEST_API_KEY}` },
      connections: CONNECTIONS,
      durationSeconds: seconds,
    });
  const health = ['/healthz'];
  const status = targets.map((t) => `/v1/verifications/${encodeURIComponent(t.workflowId)}`);
  ctx.log(`  GET /healthz: warm-up ${WARMUP_SECONDS} s, then ${durationSeconds} s`);
  await run(health, WARMUP_SECONDS);
  const healthz = await run(health, durationSeconds);
  ctx.log(`  GET /v1/verifications/:id: warm-up ${WARMUP_SECONDS} s, then ${durationSeconds} s`);
  await run(status, WARMUP_SECONDS);
  return { healthz, status: await run(status, durationSeconds) };
}

const READS_TARGET = 5_000;
const round = (value: number, digits = 1) => Number(value.toFixed(digits));

export function readsSection({ healthz, status }: Reads, users: number, durationSeconds: number): BenchSection {
  const rows: { label: string; bar: string; result: LoadResult; kind: 'baseline' | 'ours' }[] = [
    { label: 'GET /healthz, the same server (baseline)', bar: 'GET /healthz', result: healthz, kind: 'baseline' },
    {
      label: `GET /v1/verifications/:id, ${users} waiting verifications`,
      bar: 'GET /v1/verifications/:id',
      result: status,
      kind: 'ours',
    },
  ];
  return {
    id: 'reads',
    title: 'Status reads',
    method:
      `autocannon from its own process with ${CONNECTIONS} connections for ${durationSeconds} s after a ${WARMUP_SECONDS} s warm-up, against the ingest section's stack once its webhooks have settled: ` +
      `\`GET /v1/verifications/:id\` with the API key, each connection going round the ${users} waiting verifications; the baseline is the same server's \`/healthz\` ` +
      '(the same authentication header sent, no database, no Temporal), so the difference is what answering a status costs.',
    columns: ['request', 'reads/s', 'p50 (ms)', 'p99 (ms)', 'errors', 'vs /healthz'],
    rows: rows.map(({ label, result: r }) => [
      label,
      round(r.perSecond),
      round(r.p50),
      round(r.p99),
      r.errors,
      `${round(r.perSecond / healthz.perSecond, 3)}×`,
    ]),
    targets: [
      {
        target: `status reads at least ${READS_TARGET.toLocaleString('en-US')} per second`,
        measured: `${round(status.perSecond)} reads/s (p99 ${round(status.p99)} ms; /healthz ${round(healthz.perSecond)}/s)`,
        met: status.perSecond >= READS_TARGET && status.errors === 0,
      },
    ],
    chart: {
      unit: 'requests per second',
      bars: rows.map(({ bar, result, kind }) => ({ label: bar, value: round(result.perSecond), kind })),
    },
  };
}
