/**
 * The load generator of the ingest section, run as its own process so that
 * autocannon's client work (building and signing every request) and the raw
 * Temporal client never share an event loop with the server they measure.
 *
 * `node --import tsx bench/support/ingest-load.ts '<json LoadJob>'` prints one
 * line of JSON (a LoadResult) on stdout.
 */
import { createHmac } from 'node:crypto';
import autocannon from 'autocannon';
import { Client, Connection } from '@temporalio/client';
import { smileEventSignal, type SmileEventRef } from '../../workflows/messages.js';

export type LoadJob =
  | {
      mode: 'http';
      url: string;
      secret: string;
      /** Prefix for event ids, unique per run so no event is ever a duplicate. */
      prefix: string;
      smileUserIds: string[];
      connections: number;
      durationSeconds: number;
      overallRate?: number;
      /** `sync`: a sync's mix, 3 of every 9 events signalled (SYNC_EVENTS); default: every event signalled. */
      mix?: 'signalled' | 'sync';
    }
  | {
      mode: 'signals';
      address: string;
      namespace: string;
      prefix: string;
      targets: { workflowId: string; smileUserId: string }[];
      concurrency: number;
      durationSeconds: number;
    };

export interface LoadResult {
  /** Completed 2xx requests (or signals) per second over the run. */
  perSecond: number;
  p50: number;
  p90: number;
  p99: number;
  total: number;
  errors: number;
}

/**
 * A signed ACCOUNT_CREATED envelope, shaped like Smile's, for one of the waiting users:
 * a type the route signals (progress events such as TASK_STARTED are only recorded).
 * One account id throughout, so the workflows' state does not grow.
 */
export function signedAccountCreated(secret: string, id: string, smileUserId: string, type = 'ACCOUNT_CREATED'): { body: string; signature: string } {
  const body = JSON.stringify({
    id,
    version: 1,
    type,
    createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    data: { userId: smileUserId, accountId: 'a-bench', providerId: 'sss_ph' },
  });
  return { body, signature: createHmac('sha512', secret).update(body).digest('hex') };
}

/**
 * The shape of one account's first sync as Smile sends it (George in the sandbox):
 * ACCOUNT_CREATED, ACCOUNT_CONNECTED, TASK_STARTED, five `*_ADDED`, TASK_FINISHED, so
 * 3 of 9 are signalled. The signalled three go as ACCOUNT_CREATED, which keeps the
 * waiting workflows waiting (a real ACCOUNT_CONNECTED and TASK_FINISHED would
 * move them on and end the experiment).
 */
const SYNC_EVENTS = ['ACCOUNT_CREATED', 'ACCOUNT_CREATED', 'TASK_STARTED', 'IDENTITY_ADDED', 'EMPLOYMENTS_ADDED', 'CONTRIBUTIONS_ADDED', 'INCOMES_ADDED', 'EINCOMES_ADDED', 'ACCOUNT_CREATED'];

async function http(job: Extract<LoadJob, { mode: 'http' }>): Promise<LoadResult> {
  let n = 0;
  const typeOf = (i: number) => (job.mix === 'sync' ? SYNC_EVENTS[Math.floor(i / job.smileUserIds.length) % SYNC_EVENTS.length]! : 'ACCOUNT_CREATED');
  const result = await autocannon({
    url: job.url,
    method: 'POST',
    connections: job.connections,
    duration: job.durationSeconds,
    ...(job.overallRate ? { overallRate: job.overallRate } : {}),
    requests: [
      {
        setupRequest: (request) => {
          const i = n++;
          const { body, signature } = signedAccountCreated(job.secret, `${job.prefix}-${i}`, job.smileUserIds[i % job.smileUserIds.length]!, typeOf(i));
          return { ...request, method: 'POST', body, headers: { 'content-type': 'application/json', 'smile-signature': signature } };
        },
      },
    ],
  });
  const ok = result['2xx'];
  return {
    perSecond: ok / result.duration,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    total: ok,
    errors: result.non2xx + result.errors + result.timeouts,
  };
}

/** Raw signals from a minimal client: no codec, no HTTP, no Postgres; `concurrency` in flight. */
async function signals(job: Extract<LoadJob, { mode: 'signals' }>): Promise<LoadResult> {
  const connection = await Connection.connect({ address: job.address });
  const client = new Client({ connection, namespace: job.namespace });
  const latencies: number[] = [];
  let errors = 0;
  let n = 0;
  const started = performance.now();
  const until = started + job.durationSeconds * 1_000;
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (performance.now() < until) {
        const i = n++;
        const target = job.targets[i % job.targets.length]!;
        const ref: SmileEventRef = {
          eventId: `${job.prefix}-${i}`,
          type: 'ACCOUNT_CREATED',
          smileUserId: target.smileUserId,
          accountId: 'a-bench',
          providerId: 'sss_ph',
          hasPayload: false,
          createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        };
        const t0 = performance.now();
        try {
          await client.workflow.getHandle(target.workflowId).signal(smileEventSignal, ref);
          latencies.push(performance.now() - t0);
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsedSeconds = (performance.now() - started) / 1_000;
  await connection.close();
  latencies.sort((a, b) => a - b);
  const at = (p: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)]! : NaN);
  return { perSecond: latencies.length / elapsedSeconds, p50: at(50), p90: at(90), p99: at(99), total: latencies.length, errors };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const job = JSON.parse(process.argv[2]!) as LoadJob;
  const result = job.mode === 'http' ? await http(job) : await signals(job);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}
