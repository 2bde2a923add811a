import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../db/migrate.js';
import { createSql, LOCAL_DATABASE_URL, type Sql } from '../../db/client.js';
import { dropDatabase, ensureDatabase } from '../../db/client.js';
import { buildWorkflowBundle } from '../../scripts/build-workflows.js';
import { resolveTemporalBinary } from '../../scripts/temporal-binary.js';
import { startTemporalDevServer, type DevServer } from '../../scripts/temporal-server.js';
import { freePort } from '../../scripts/ports.js';
import { expectDecidedOnceAndNothingLost, terminateConnections, waitForDecisions } from './checks.js';
import { frontEnd, runJourneys } from './front-end.js';
import { Service } from './processes.js';
import { startChaosSandbox } from './sandbox.js';

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
const log = (line: string) => console.log(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}`);

let server: DevServer;
let serverOptions: Parameters<typeof startTemporalDevServer>[0];
let sandbox: Awaited<ReturnType<typeof startChaosSandbox>>['sandbox'];
let journey: ReturnType<typeof frontEnd>['journey'];
let api: Service;
let worker: Service;
let sql: Sql;
let databaseUrl: string;
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

  const chaosSandbox = await startChaosSandbox();
  sandbox = chaosSandbox.sandbox;
  const sandboxUrl = chaosSandbox.url;
  const [apiPort, metricsPort] = [await freePort(), await freePort()];
  const apiUrl = `http://127.0.0.1:${apiPort}`;
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
  await chaosSandbox.sendWebhooksTo(`${apiUrl}/webhooks/smile`);
  journey = frontEnd({ apiUrls: [apiUrl], sandboxUrl, apiKey: API_KEY, apiLog: () => api.lastOutput() }).journey;
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
      note(`terminated ${await terminateConnections(databaseUrl)} Postgres connections`);
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
      note(`terminated ${await terminateConnections(databaseUrl)} Postgres connections`);
    })();

    const ids = await runJourneys(journey, N);
    note(`all ${N} journeys done; waiting for the decisions`);
    await schedule;
    const decided = await waitForDecisions(sql, N);
    done = true;
    await killer;
    note(`${decided} of ${N} decided; the worker was restarted ${worker.restarts} times`);
    for (const crash of [...api.crashes, ...worker.crashes]) note(crash);

    // The API rides out every fault on its own: nothing above may crash it.
    expect(api.crashes).toEqual([]);

    note(await expectDecidedOnceAndNothingLost(sql, sandbox, ids, N));
  });
});
