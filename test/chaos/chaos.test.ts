import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../activities/store/migrate.js';
import { createSql, LOCAL_DATABASE_URL, type Sql } from '../../activities/store/db.js';
import { buildSandbox } from '../../sandbox/app.js';
import { SANDBOX_USERS } from '../../sandbox/users.js';
import { dropDatabase, ensureDatabase } from '../../activities/store/db.js';
import { buildWorkflowBundle } from '../../scripts/build-workflows.js';
import { resolveTemporalBinary } from '../../scripts/temporal-binary.js';
import { startTemporalDevServer, type DevServer } from '../../scripts/temporal-server.js';
import { freePort } from '../../scripts/ports.js';
import { persist, Service } from './processes.js';

/**
 * `npm run test:chaos`: N sandbox verifications as George while everything
 * underneath fails. The worker is SIGKILLed and restarted every few seconds; the
 * Temporal dev server (on a SQLite file) restarts mid-run; every Postgres
 * connection is terminated twice; the API is killed for longer than Smile's retry
 * window (0.6 s here) while syncs are in flight, so webhooks are lost for good.
 * The users' front end behaves as a real one: it retries its calls and forwards
 * the widget's callbacks. Afterwards every verification is decided, nothing is
 * stored twice, and every webhook the API acknowledged is in the inbox.
 */
const N = Number(process.env.CHAOS_VERIFICATIONS ?? 200);
const API_KEY = 'chaos-api-key-0123';
const george = SANDBOX_USERS.george;
const log = (line: string) => console.log(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}`);

let server: DevServer;
let serverOptions: Parameters<typeof startTemporalDevServer>[0];
let sandbox: Awaited<ReturnType<typeof buildSandbox>>;
let api: Service;
let worker: Service;
let sql: Sql;
let databaseUrl: string;
let apiUrl: string;
let sandboxUrl: string;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smile-verify-chaos-'));
  const binary = await resolveTemporalBinary(log);
  serverOptions = { binary, port: await freePort(), dbFile: join(dir, 'temporal.db') };
  server = await startTemporalDevServer(serverOptions);
  const url = new URL(process.env.DATABASE_URL ?? LOCAL_DATABASE_URL);
  url.pathname = `/smile_verify_chaos_${randomBytes(4).toString('hex')}`;
  databaseUrl = url.toString();
  await ensureDatabase(databaseUrl);
  sql = createSql(databaseUrl, { max: 4 });
  await migrate(sql);

  sandbox = await buildSandbox({
    apiKey: 'sandbox-key',
    apiSecret: 'sandbox-secret',
    webhookRetryDelaysMs: [200, 400],
  });
  sandboxUrl = await sandbox.listen({ port: 0, host: '127.0.0.1' });
  const [apiPort, metricsPort] = [await freePort(), await freePort()];
  apiUrl = `http://127.0.0.1:${apiPort}`;
  const env = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    API_KEYS: API_KEY,
    API_RATE_LIMIT_PER_MINUTE: '1000000',
    PORT: String(apiPort),
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '5',
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: 'chaos',
    SMILE_API_URL: `${sandboxUrl}/v1`,
    SMILE_ID_URL: `${sandboxUrl}/smile-id/v1`,
    SMILE_RATE_LIMIT_PER_SECOND: '500',
    WORKFLOW_BUNDLE_PATH: await buildWorkflowBundle(join(dir, 'workflow-bundle.js')),
    WORKER_METRICS_PORT: String(metricsPort),
    WORKER_SHUTDOWN_GRACE_SECONDS: '1',
  };
  api = new Service('api', 'api/server.ts', env, `${apiUrl}/healthz`);
  worker = new Service('worker', 'worker/main.ts', env, `http://127.0.0.1:${metricsPort}/metrics`);
  await Promise.all([api.start(), worker.start()]);
  const webhook = await fetch(`${sandboxUrl}/v1/webhooks`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from('sandbox-key:sandbox-secret').toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ url: `${apiUrl}/webhooks/smile`, includePayload: true }),
  });
  expect(webhook.ok).toBe(true);
  // Smile's deliveries trail the login by 1.5 s, so webhooks are in flight whenever the API goes down.
  const faults = await fetch(`${sandboxUrl}/sandbox/v1/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ deliveryDelayMs: 1_500 }),
  });
  expect(faults.ok).toBe(true);
});

afterAll(async () => {
  await api?.stop();
  await worker?.stop();
  await sandbox?.close();
  await sql?.end({ timeout: 1 });
  await server?.stop();
  if (databaseUrl) await dropDatabase(databaseUrl).catch(() => {});
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function call(
  method: string,
  path: string,
  body?: unknown,
  okStatus = (s: number) => s < 300,
): Promise<Record<string, unknown>> {
  const response = await fetch(apiUrl + path, {
    method,
    headers: {
      authorization: `Bearer ${API_KEY}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  if (!okStatus(response.status)) {
    // A 500 is a finding: show what the API logged about it.
    const log = response.status === 500 ? `\n${api.lastOutput().slice(-3_000)}` : '';
    throw new Error(`${method} ${path}: ${response.status}${log}`);
  }
  return (await response.json()) as Record<string, unknown>;
}

/** A user's onboarding, done by a front end that retries: start, log in, forward the widget's callbacks. */
async function journey(i: number): Promise<string> {
  const started = await persist(() =>
    call('POST', '/v1/verifications', {
      externalUserId: `chaos-${i}`,
      applicant: { fullName: george.fullName },
      policy: { dataTimeout: '5s' },
    }),
  );
  const verificationId = started.verificationId as string;
  const link = started.link as { userToken: string };
  const connected = await persist(async () => {
    const response = await fetch(`${sandboxUrl}/sandbox/v1/connect`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        userToken: link.userToken,
        username: george.username,
        password: george.password,
        mfaCode: george.mfaCode,
      }),
    });
    if (!response.ok) throw new Error(`connect: ${response.status}`);
    return ((await response.json()) as { data: { callbacks: { callback: string; data: unknown }[] } }).data;
  });
  for (const callback of connected.callbacks.filter((c) => c.callback !== 'onUIEvent')) {
    await persist(() => call('POST', `/v1/verifications/${verificationId}/widget-events`, callback));
  }
  return verificationId;
}

async function terminateConnections(): Promise<number> {
  const admin = postgres(new URL('/postgres', databaseUrl).toString(), { max: 1, onnotice: () => {} });
  const killed = await admin<{ pid: number }[]>`
    select pg_terminate_backend(pid) as pid from pg_stat_activity
    where datname = ${new URL(databaseUrl).pathname.slice(1)} and pid <> pg_backend_pid()`;
  await admin.end();
  return killed.length;
}

async function decidedCount(): Promise<number> {
  const [row] = await persist(
    () => sql<{ count: number }[]>`
    select count(*)::int as count from verifications where verification_id like 'verification-chaos-%' and status = 'COMPLETED'`,
  );
  return row!.count;
}

describe('chaos', () => {
  it(`decides all ${N} verifications while the worker, Temporal, Postgres and the API fail underneath`, async () => {
    let done = false;
    const events: string[] = [];
    const note = (line: string) => (events.push(line), log(line));

    // The worker dies hard every 4 s for the whole run.
    const killer = (async () => {
      while (!done) {
        await sleep(4_000);
        if (done) break;
        await worker.restart('SIGKILL').catch((error: Error) => note(`worker restart failed: ${error.message}`));
      }
    })();

    const schedule = (async () => {
      await sleep(8_000);
      note(`terminated ${await terminateConnections()} Postgres connections`);
      await sleep(8_000);
      note('stopping the Temporal dev server');
      await server.stop();
      await sleep(2_000);
      server = await startTemporalDevServer(serverOptions);
      note('Temporal dev server back');
      await sleep(8_000);
      note('killing the API for 3 s (Smile retries for 0.6 s)');
      await api.kill();
      await sleep(3_000);
      await api.start();
      note('API back');
      await sleep(6_000);
      note(`terminated ${await terminateConnections()} Postgres connections`);
    })();

    const ids: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < N) {
          const i = next++;
          ids.push(await journey(i));
          // Spread the journeys over the chaos schedule rather than finishing before it starts.
          await sleep(250);
        }
      }),
    );
    note(`all ${N} journeys done; waiting for the decisions`);
    await schedule;
    const deadline = Date.now() + 6 * 60_000;
    let decided = 0;
    while ((decided = await decidedCount()) < N && Date.now() < deadline) await sleep(1_000);
    done = true;
    await killer;
    note(`${decided} of ${N} decided; the worker was restarted ${worker.restarts} times`);
    for (const crash of [...api.crashes, ...worker.crashes]) note(crash);

    // The API rides out every fault on its own: nothing above may crash it.
    expect(api.crashes).toEqual([]);

    // Every verification decided, once, and approved (George, name matching).
    expect(new Set(ids).size).toBe(N);
    const runs = await sql<{ verificationId: string; status: string; outcome: string | null; decisions: number }[]>`
      select v.verification_id as "verificationId", v.status, v.status_document->'decision'->>'outcome' as outcome,
             (select count(*)::int from decisions d where d.run_id = v.run_id) as decisions
      from verifications v where v.verification_id like 'verification-chaos-%'`;
    expect(runs).toHaveLength(N);
    expect(runs.filter((r) => r.status !== 'COMPLETED' || r.outcome !== 'APPROVED' || r.decisions !== 1)).toEqual([]);

    // No datapoint stored twice: every George holds the same set of rows.
    const perUser = await sql<{ rows: number }[]>`select count(*)::int as rows from datapoints group by smile_user_id`;
    expect(perUser).toHaveLength(N);
    expect(new Set(perUser.map((r) => r.rows)).size).toBe(1);

    // No webhook lost: every event the API acknowledged is in the inbox, once; the inbox holds nothing Smile did not send.
    const attempts = sandbox.sandboxState.deliveries;
    const acknowledged = new Set(attempts.filter((a) => a.delivered).map((a) => a.eventId));
    const sent = new Set(attempts.map((a) => a.eventId));
    const inbox = await sql<{ id: string }[]>`select id from inbox_events where source = 'smile'`;
    const inboxIds = new Set(inbox.map((r) => r.id));
    expect(inbox.length).toBe(inboxIds.size);
    expect([...acknowledged].filter((id) => !inboxIds.has(id))).toEqual([]);
    expect([...inboxIds].filter((id) => !sent.has(id))).toEqual([]);
    const lost = sent.size - acknowledged.size;
    note(
      `webhooks: ${sent.size} sent, ${acknowledged.size} acknowledged = in the inbox (${inboxIds.size} rows); ${lost} never acknowledged (the API was down past Smile's retries)`,
    );
    expect(lost).toBeGreaterThan(0); // the outage really cost webhooks, and the verifications were decided anyway
  });
});
