import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../db/migrate.js';
import { createSql, dropDatabase, ensureDatabase, type Sql } from '../../db/client.js';
import { buildWorkflowBundle } from '../../scripts/build-workflows.js';
import { resolveTemporalBinary } from '../../scripts/temporal-binary.js';
import { startTemporalDevServer, type DevServer } from '../../scripts/temporal-server.js';
import { freePort } from '../../scripts/ports.js';
import { expectDecidedOnceAndNothingLost } from './checks.js';
import { frontEnd } from './front-end.js';
import { Service } from './processes.js';
import { startChaosSandbox } from './sandbox.js';
import { API_KEY, chaosAppEnv, chaosDatabaseUrl, chaosLog, N, runUnderChaos } from './shared.js';

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
const log = chaosLog('chaos');

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
  databaseUrl = chaosDatabaseUrl(randomBytes(4).toString('hex'));
  await ensureDatabase(databaseUrl);
  sql = createSql(databaseUrl, { max: 4 });
  await migrate(sql);

  const chaosSandbox = await startChaosSandbox();
  sandbox = chaosSandbox.sandbox;
  const sandboxUrl = chaosSandbox.url;
  const [apiPort, metricsPort] = [await freePort(), await freePort()];
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const env = {
    ...chaosAppEnv(sandboxUrl),
    PORT: String(apiPort),
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '5',
    TEMPORAL_ADDRESS: server.address,
    WORKFLOW_BUNDLE_PATH: await buildWorkflowBundle(join(dir, 'workflow-bundle.js')),
    WORKER_METRICS_PORT: String(metricsPort),
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
    const { ids, decided } = await runUnderChaos({
      sql,
      databaseUrl,
      journey,
      restartWorker: () => worker.restart('SIGKILL'),
      faults: async () => {
        await sleep(8_000);
        log('stopping the Temporal dev server');
        await server.stop();
        await sleep(2_000);
        server = await startTemporalDevServer(serverOptions);
        log('Temporal dev server back');
        await sleep(8_000);
      },
      webhookApi: { name: 'the API', process: api },
      log,
    });
    log(`${decided} of ${N} decided; the worker was restarted ${worker.restarts} times`);
    for (const crash of [...api.crashes, ...worker.crashes]) log(crash);

    // The API rides out every fault on its own: nothing above may crash it.
    expect(api.crashes).toEqual([]);

    log(await expectDecidedOnceAndNothingLost(sql, sandbox, ids, N));
  });
});
