/**
 * The load generator of the ingest section, run as its own process so that
 * autocannon's client work (building and signing every request) and the raw
 * Temporal client never share an event loop with the server they measure.
 *
 * Full speed is autocannon (closed loop: `connections` requests always in flight).
 * A fixed rate is our own open loop: autocannon's rate limit releases each
 * connection's share of a second in one burst at the start of the second and
 * corrects for coordinated omission against a 1 ms interval, which together
 * measure bursts rather than a steady 500 events/s. `paced` sends one request
 * every 1/rate seconds and times each from when it was due to be sent.
 *
 * `node --import tsx bench/support/ingest-load.ts '<json LoadJob>'` prints one
 * line of JSON (a LoadResult) on stdout.
 */
import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
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
export function signedAccountCreated(
  secret: string,
  id: string,
  smileUserId: string,
  type = 'ACCOUNT_CREATED',
): { body: string; signature: string } {
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
const SYNC_EVENTS = [
  'ACCOUNT_CREATED',
  'ACCOUNT_CREATED',
  'TASK_STARTED',
  'IDENTITY_ADDED',
  'EMPLOYMENTS_ADDED',
  'CONTRIBUTIONS_ADDED',
  'INCOMES_ADDED',
  'EINCOMES_ADDED',
  'ACCOUNT_CREATED',
];

const percentiles = (latencies: number[]) => {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;
  return { p50: at(50), p90: at(90), p99: at(99) };
};

/** Open loop at `overallRate`: request i is due at start + i/rate, and its latency counts from then. */
async function paced(job: Extract<LoadJob, { mode: 'http' }>, typeOf: (i: number) => string): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.connections });
  const url = new URL(job.url);
  const intervalMs = 1_000 / job.overallRate!;
  const latencies: number[] = [];
  const inFlight = new Set<Promise<void>>();
  let errors = 0;
  const send = (i: number, dueAt: number) => {
    const { body, signature } = signedAccountCreated(
      job.secret,
      `${job.prefix}-${i}`,
      job.smileUserIds[i % job.smileUserIds.length]!,
      typeOf(i),
    );
    const done = new Promise<void>((resolve) => {
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'smile-signature': signature,
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) latencies.push(performance.now() - dueAt);
            else errors++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(body);
    }).finally(() => inFlight.delete(done));
    inFlight.add(done);
  };
  const started = performance.now();
  const end = started + job.durationSeconds * 1_000;
  let n = 0;
  for (let now = started; now < end; now = performance.now()) {
    for (; started + n * intervalMs <= now; n++) send(n, started + n * intervalMs);
    await sleep(1);
  }
  await Promise.all(inFlight);
  agent.destroy();
  return {
    perSecond: latencies.length / job.durationSeconds,
    ...percentiles(latencies),
    total: latencies.length,
    errors,
  };
}

async function http(job: Extract<LoadJob, { mode: 'http' }>): Promise<LoadResult> {
  let n = 0;
  const typeOf = (i: number) =>
    job.mix === 'sync' ? SYNC_EVENTS[Math.floor(i / job.smileUserIds.length) % SYNC_EVENTS.length]! : 'ACCOUNT_CREATED';
  if (job.overallRate) return paced(job, typeOf);
  const result = await autocannon({
    url: job.url,
    method: 'POST',
    connections: job.connections,
    duration: job.durationSeconds,
    requests: [
      {
        setupRequest: (request) => {
          const i = n++;
          const { body, signature } = signedAccountCreated(
            job.secret,
            `${job.prefix}-${i}`,
            job.smileUserIds[i % job.smileUserIds.length]!,
            typeOf(i),
          );
          return {
            ...request,
            method: 'POST',
            body,
            headers: { 'content-type': 'application/json', 'smile-signature': signature },
          };
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
  return { perSecond: latencies.length / elapsedSeconds, ...percentiles(latencies), total: latencies.length, errors };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const job = JSON.parse(process.argv[2]!) as LoadJob;
  const result = job.mode === 'http' ? await http(job) : await signals(job);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}
