/**
 * Webhook ingest: our `/webhooks/smile` (signature, inbox row, 200, then the
 * claim-check signal) under autocannon, beside a bare Fastify route that only
 * checks the signature and raw Temporal signals from a minimal client, all in
 * the same run on the same machine. The load runs in its own process
 * (bench/support/ingest-load.ts) so it never shares the server's event loop.
 */
import { spawn } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify from 'fastify';
import { insertEvents } from '../activities/store/inbox.js';
import { deliverEvents } from '../api/inbox/deliver.js';
import { envelopeSchema, smileInboxEvent } from '../api/inbox/envelope.js';
import { validSmileSignature } from '../api/inbox/signatures.js';
import { smileEventSignal } from '../workflows/messages.js';
import { signedAccountCreated, type LoadJob, type LoadResult } from './support/ingest-load.js';
import { INGEST_API_KEY, INGEST_WEBHOOK_SECRET, startIngestStack, type IngestStack } from './support/ingest-stack.js';
import type { BenchContext, BenchSection } from './types.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const LOAD_SCRIPT = fileURLToPath(new URL('./support/ingest-load.ts', import.meta.url));
const FIXED_RATE = 500;
const CONNECTIONS = 50;

const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** Runs one load job in a child process and returns its result. */
function load(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', LOAD_SCRIPT, JSON.stringify(job)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-4_000)));
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      try {
        if (code !== 0) throw new Error(`exit ${code}`);
        resolve(JSON.parse(line) as LoadResult);
      } catch (error) {
        reject(new Error(`load generator failed (${(error as Error).message}): ${err || out}`));
      }
    });
  });
}

/** Baseline 1: the least any webhook receiver must do, one Fastify route checking the HMAC on the raw body. */
async function bareSignatureServer(secret: string) {
  const app = Fastify({ logger: false, bodyLimit: 10 * 1024 * 1024 });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.post('/webhooks/smile', async (request, reply) => {
    const header = request.headers['smile-signature'];
    const given = Buffer.from(typeof header === 'string' ? header : '', 'hex');
    const expected = createHmac('sha512', secret)
      .update(request.body as Buffer)
      .digest();
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return reply.code(401).send();
    return reply.code(200).send({ received: true });
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: `${url}/webhooks/smile`, close: () => app.close() };
}

async function startVerifications(
  stack: IngestStack,
  count: number,
): Promise<{ workflowId: string; smileUserId: string }[]> {
  const targets: { workflowId: string; smileUserId: string }[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < count) {
        const externalUserId = `ingest-${next++}`;
        const response = await fetch(`${stack.apiUrl}/v1/verifications`, {
          method: 'POST',
          headers: { authorization: `Bearer ${INGEST_API_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ externalUserId }),
        });
        const body = (await response.json()) as { verificationId: string; smileUserId: string };
        if (response.status !== 201)
          throw new Error(`POST /v1/verifications: ${response.status} ${JSON.stringify(body)}`);
        targets.push({ workflowId: body.verificationId, smileUserId: body.smileUserId });
      }
    }),
  );
  return targets;
}

/**
 * Where a request's time goes in our route, one event at a time (no contention):
 * the same calls the route makes, timed separately.
 */
async function breakdown(stack: IngestStack, targets: { workflowId: string; smileUserId: string }[], samples: number) {
  const phases = {
    signature: [] as number[],
    parse: [] as number[],
    insert: [] as number[],
    deliver: [] as number[],
    signalOnly: [] as number[],
  };
  for (let i = 0; i < samples; i++) {
    const target = targets[i % targets.length]!;
    const { body, signature } = signedAccountCreated(
      INGEST_WEBHOOK_SECRET,
      `et-breakdown-${process.pid}-${i}`,
      target.smileUserId,
    );
    const raw = Buffer.from(body);
    let t = performance.now();
    if (!validSmileSignature(raw, signature, INGEST_WEBHOOK_SECRET)) throw new Error('breakdown: bad signature');
    phases.signature.push(performance.now() - t);
    t = performance.now();
    const envelope = envelopeSchema.parse(JSON.parse(raw.toString('utf8')));
    phases.parse.push(performance.now() - t);
    t = performance.now();
    const event = smileInboxEvent(envelope);
    await insertEvents(stack.sql, [{ event, body: envelope }]);
    phases.insert.push(performance.now() - t);
    t = performance.now();
    const outcomes = await deliverEvents({ sql: stack.sql, client: stack.client }, [
      { ...event, receivedAt: new Date() },
    ]);
    const outcome = outcomes.get(event.id);
    if (outcome !== 'delivered') throw new Error(`breakdown: event ${outcome}`);
    phases.deliver.push(performance.now() - t);
    t = performance.now();
    await stack.client.workflow.getHandle(target.workflowId).signal(smileEventSignal, {
      eventId: `et-breakdown-signal-${process.pid}-${i}`,
      type: 'ACCOUNT_CREATED',
      smileUserId: target.smileUserId,
      accountId: 'a-bench',
      providerId: 'sss_ph',
      hasPayload: false,
      createdAt: new Date().toISOString(),
    });
    phases.signalOnly.push(performance.now() - t);
  }
  return Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, median(v)])) as Record<
    keyof typeof phases,
    number
  >;
}

/** Lets the worker catch up on the signals of the previous run before the next one starts. */
const settle = () => sleep(2_000);

/**
 * The route answers before it signals: seconds from the end of a run until every
 * event of it has left `pending` (signalled, or stored as an orphan).
 */
async function drain(stack: IngestStack, prefix: string, timeoutMs = 180_000): Promise<number> {
  const started = Date.now();
  const pending = async () =>
    (
      await stack.sql<
        { n: number }[]
      >`select count(*)::int as n from inbox_events where state = 'pending' and id like ${`${prefix}-%`}`
    )[0]!.n;
  while ((await pending()) > 0) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`events of ${prefix} still pending after ${timeoutMs / 1000} s`);
    await sleep(100);
  }
  return (Date.now() - started) / 1000;
}

interface Row {
  label: string;
  result: LoadResult;
}

export async function benchIngest(ctx: BenchContext): Promise<BenchSection> {
  const durationSeconds = ctx.quick ? 3 : 5;
  const warmupSeconds = 1;
  const users = 50;
  const started = Date.now();
  const stack = await startIngestStack(ctx);
  let bare: Awaited<ReturnType<typeof bareSignatureServer>> | undefined;
  try {
    bare = await bareSignatureServer(INGEST_WEBHOOK_SECRET);
    ctx.log(`  starting ${users} verifications`);
    const targets = await startVerifications(stack, users);
    // Most events go to waiting verifications (signalled), one in ten to a user Smile knows and we do not (stored as an orphan).
    const smileUserIds = [
      ...targets.map((t) => t.smileUserId),
      ...Array.from({ length: Math.ceil(users / 9) }, (_, i) => `u-unknown-${i}`),
    ];
    const ours = `${stack.apiUrl}/webhooks/smile`;
    let run = 0;
    const http = (url: string, seconds: number, overallRate?: number, mix?: 'sync') => ({
      mode: 'http' as const,
      url,
      secret: INGEST_WEBHOOK_SECRET,
      prefix: `et-${process.pid}-${run++}`,
      smileUserIds,
      connections: CONNECTIONS,
      durationSeconds: seconds,
      ...(overallRate ? { overallRate } : {}),
      ...(mix ? { mix } : {}),
    });

    ctx.log(`  bare signature route: warm-up ${warmupSeconds} s, then ${durationSeconds} s`);
    await load(http(bare.url, warmupSeconds));
    const bareMax = await load(http(bare.url, durationSeconds));

    ctx.log(`  /webhooks/smile at full speed: warm-up ${warmupSeconds} s, then ${durationSeconds} s`);
    await load(http(ours, warmupSeconds));
    await settle();
    const maxJob = http(ours, durationSeconds);
    const oursMax = await load(maxJob);
    const maxDrain = await drain(stack, maxJob.prefix);
    await settle();

    ctx.log(`  raw Temporal signals, ${CONNECTIONS} in flight: warm-up ${warmupSeconds} s, then ${durationSeconds} s`);
    const signals = (seconds: number, concurrency = CONNECTIONS): LoadJob => ({
      mode: 'signals',
      address: stack.temporalAddress,
      namespace: stack.config.temporal.namespace,
      prefix: `et-raw-${process.pid}-${run++}`,
      targets,
      concurrency,
      durationSeconds: seconds,
    });
    await load(signals(warmupSeconds));
    const raw = await load(signals(durationSeconds));
    await settle();

    ctx.log(`  /webhooks/smile at ${FIXED_RATE} events/s: warm-up ${warmupSeconds} s, then ${durationSeconds} s`);
    await load(http(ours, warmupSeconds, FIXED_RATE));
    const fixedJob = http(ours, durationSeconds, FIXED_RATE);
    const oursFixed = await load(fixedJob);
    const fixedDrain = await drain(stack, fixedJob.prefix);
    await settle();

    ctx.log(
      `  /webhooks/smile at ${FIXED_RATE} events/s, a sync's mix (3 of 9 signalled): warm-up ${warmupSeconds} s, then ${durationSeconds} s`,
    );
    await load(http(ours, warmupSeconds, FIXED_RATE, 'sync'));
    const mixJob = http(ours, durationSeconds, FIXED_RATE, 'sync');
    const oursMix = await load(mixJob);
    await drain(stack, mixJob.prefix);
    await settle();

    ctx.log('  breakdown of one request, no contention');
    const parts = await breakdown(stack, targets, ctx.quick ? 100 : 300);

    const states = await stack.sql<
      { state: string; count: number }[]
    >`select state, count(*)::int as count from inbox_events group by state order by state`;
    const byState = Object.fromEntries(states.map((s) => [s.state, s.count]));

    const rows: Row[] = [
      { label: 'bare Fastify route, signature only (baseline)', result: bareMax },
      { label: `raw Temporal signals, ${CONNECTIONS} in flight (baseline)`, result: raw },
      { label: '/webhooks/smile, full speed', result: oursMax },
      { label: `/webhooks/smile at ${FIXED_RATE} events/s, every event signalled`, result: oursFixed },
      { label: `/webhooks/smile at ${FIXED_RATE} events/s, a sync's mix (3 of 9 signalled)`, result: oursMix },
    ];
    const ratio = oursMax.perSecond / bareMax.perSecond;
    const fixedOk = (r: LoadResult) => r.p99 < 25 && r.perSecond >= FIXED_RATE * 0.95 && r.errors === 0;
    const errors = rows.reduce((sum, r) => sum + r.result.errors, 0);
    const ms = (v: number) => round(v, 2);

    return {
      id: 'ingest',
      title: 'Webhook ingest',
      method:
        `Load from its own process, ${durationSeconds} s per run after a ${warmupSeconds} s warm-up: full speed is autocannon with ${CONNECTIONS} connections (closed loop); ` +
        `a fixed rate is an open loop that sends one request every 1/rate s over up to ${CONNECTIONS} keep-alive sockets and times each from when it was due (autocannon's rate limit sends each second's share in a burst). Every request a freshly signed ACCOUNT_CREATED (a type the route signals) with a new event id, ` +
        `${users} of every ${smileUserIds.length} for a waiting verification. Ours verifies the HMAC on the raw body, commits the event to the inbox and answers 200; then it signals the workflow with a claim-check reference ` +
        `(at most 32 signals in flight, the relay takes what that path leaves; worker and API in one process, Postgres pool of 10, Temporal dev server in memory). Baselines in the same run: a bare Fastify route that only checks the signature, ` +
        `and raw signals to the same workflows from a minimal client (no codec) with ${CONNECTIONS} in flight.`,
      columns: ['variant', 'events/s', 'p50 (ms)', 'p99 (ms)', 'errors', 'vs bare route'],
      rows: rows.map(({ label, result }) => [
        label,
        round(result.perSecond),
        round(result.p50, 1),
        round(result.p99, 1),
        result.errors,
        `${round(result.perSecond / bareMax.perSecond, 3)}×`,
      ]),
      targets: [
        {
          target: 'ingest at least 50 % of the bare-signature baseline throughput',
          measured: `${round(ratio * 100)} % (${round(oursMax.perSecond)} vs ${round(bareMax.perSecond)} events/s)`,
          met: ratio >= 0.5,
        },
        {
          target: `p99 under 25 ms at a fixed ${FIXED_RATE} events/s, every event signalled`,
          measured: `p99 ${round(oursFixed.p99, 1)} ms (p50 ${round(oursFixed.p50, 1)} ms) at ${round(oursFixed.perSecond)} events/s`,
          met: fixedOk(oursFixed),
        },
        {
          target: `p99 under 25 ms at a fixed ${FIXED_RATE} events/s, a sync's mix (3 of 9 signalled)`,
          measured: `p99 ${round(oursMix.p99, 1)} ms (p50 ${round(oursMix.p50, 1)} ms) at ${round(oursMix.perSecond)} events/s`,
          met: fixedOk(oursMix),
        },
      ],
      chart: {
        unit: 'events per second',
        bars: rows.map(({ label, result }) => ({
          label: label.replace(' (baseline)', ''),
          value: round(result.perSecond),
        })),
      },
      notes: [
        `Signals follow the answers: after the full-speed run (${oursMax.total.toLocaleString('en-US')} events) every event had left pending ${round(maxDrain, 1)} s later, ` +
          `so events reached their workflows at ${round(oursMax.total / (durationSeconds + maxDrain))} per second overall, against ${round(raw.perSecond)} raw signals per second from a bare client; ` +
          `at ${FIXED_RATE} events/s the last was signalled ${round(fixedDrain, 1)} s after the run ended.`,
        'autocannon reports latency in whole milliseconds; the open loop in fractions.',
        `One request without contention (medians): signature ${ms(parts.signature)} ms, JSON and envelope ${ms(parts.parse)} ms, inbox insert ${ms(parts.insert)} ms, ` +
          `lookup + signal + mark (after the answer) ${ms(parts.deliver)} ms, of which the signal alone (with the payload codec) is about ${ms(parts.signalOnly)} ms.`,
        `Inbox after the runs: ${Object.entries(byState)
          .map(([s, n]) => `${n.toLocaleString('en-US')} ${s}`)
          .join(', ')}; ${errors} non-2xx answers or failed signals in all measured runs.`,
        `Section time ${Math.round((Date.now() - started) / 1000)} s, including the stack's start.`,
      ],
    };
  } finally {
    await bare?.close().catch(() => {});
    await stack.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { resolveTemporalBinary } = await import('../scripts/temporal-binary.js');
  const log = (line: string) => console.error(line);
  const section = await benchIngest({
    temporalBinary: await resolveTemporalBinary(log),
    databaseUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
    quick: process.argv.includes('--quick'),
    log,
  });
  console.log(JSON.stringify(section, null, 2));
  process.exit(0);
}
