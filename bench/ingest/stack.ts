/**
 * The stack the ingest section measures, in this process as the tests build it
 * (test/support/stack.ts): a Temporal dev server in memory, a fresh migrated
 * database, the sandbox, a worker and the real API listening on a free port.
 * Everything started is closed by `close()`, also when a later step failed.
 */
import { randomBytes } from 'node:crypto';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { startRelay } from '../../api/webhooks/relay.js';
import { buildApp } from '../../api/app.js';
import { createSql, type Sql } from '../../db/client.js';
import { migrate } from '../../db/migrate.js';
import { createSmileClient } from '../../smile/index.js';
import { loadConfig, type Config } from '../../config/index.js';
import { createTemporalClient } from '../../runtime/temporal.js';
import { buildSandbox } from '../../sandbox/app.js';
import { dropDatabase, ensureDatabase } from '../../db/client.js';
import { startTemporalDevServer } from '../../scripts/temporal-server.js';
import { createWorker } from '../../worker/create.js';
import { freePort } from '../../scripts/ports.js';

export const INGEST_API_KEY = 'bench-ingest-key-0123';
export const INGEST_WEBHOOK_SECRET = 'bench-ingest-webhook-secret';

export interface IngestStack {
  config: Config;
  /** The API's pool, also for counting inbox rows. */
  sql: Sql;
  /** The server the stack's database lives on, for the baselines' own database. */
  serverUrl: string;
  apiUrl: string;
  temporalAddress: string;
  /** The Temporal dev server's process, for the CPU it uses. */
  temporalPid?: number;
  /** The API's Temporal client (with the payload codec). */
  client: ReturnType<typeof createTemporalClient>['client'];
  close(): Promise<void>;
}

let runtimeInstalled = false;
/** The SDK's default runtime logs every worker state change at INFO; warnings are enough here. */
function quietRuntime() {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed by someone else in this process: keep theirs.
  }
}

export async function startIngestStack({
  temporalBinary,
  databaseUrl,
  log,
}: {
  temporalBinary: string;
  databaseUrl: string;
  log(line: string): void;
}): Promise<IngestStack> {
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch((error: Error) => log(`  cleanup: ${error.message}`));
    closers.length = 0;
  };
  try {
    quietRuntime();
    const server = await startTemporalDevServer({ binary: temporalBinary, port: await freePort() });
    closers.push(() => server.stop());

    const url = new URL(databaseUrl);
    url.pathname = `/smile_verify_bench_ingest_${randomBytes(4).toString('hex')}`;
    const dbUrl = url.toString();
    await ensureDatabase(dbUrl);
    closers.push(() => dropDatabase(dbUrl));

    const sandbox = await buildSandbox({
      apiKey: 'sandbox-key',
      apiSecret: 'sandbox-secret',
      webhookRetryDelaysMs: [200, 400],
    });
    closers.push(() => sandbox.close());
    const sandboxUrl = await sandbox.listen({ port: 0, host: '127.0.0.1' });

    const apiPort = await freePort();
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      API_KEYS: INGEST_API_KEY,
      API_RATE_LIMIT_PER_MINUTE: '100000000',
      PORT: String(apiPort),
      DATABASE_URL: dbUrl,
      DATABASE_POOL_SIZE: '10',
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: 'bench-ingest',
      SMILE_API_URL: `${sandboxUrl}/v1`,
      SMILE_ID_URL: `${sandboxUrl}/smile-id/v1`,
      SMILE_WEBHOOK_SECRET: INGEST_WEBHOOK_SECRET,
      SMILE_RATE_LIMIT_PER_SECOND: '2000',
    });

    const sql = createSql(dbUrl, { max: config.database.poolSize });
    closers.push(() => sql.end({ timeout: 1 }));
    await migrate(sql);

    // The worker has its own pool, as its own process would in production.
    const workerSql = createSql(dbUrl, { max: 5, application: 'smile-verify-worker' });
    closers.push(() => workerSql.end({ timeout: 1 }));
    const connection = await NativeConnection.connect({ address: server.address });
    closers.push(() => connection.close());
    const smile = createSmileClient({
      baseUrl: config.smile.apiUrl,
      apiKey: config.smile.apiKey,
      apiSecret: config.smile.apiSecret,
    });
    const worker = await createWorker({ config, sql: workerSql, smile, connection });
    const running = worker.run();
    closers.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });

    const temporal = createTemporalClient(config);
    closers.push(() => temporal.connection.close());
    const app = await buildApp({ config, sql, temporal });
    closers.push(() => app.close());
    // The relay beside the API, as api/server.ts runs it: it delivers what the route's fast path leaves behind.
    const relay = startRelay({ sql, client: temporal.client, log: app.log });
    closers.push(() => relay.stop());
    const apiUrl = await app.listen({ port: apiPort, host: '127.0.0.1' });

    return {
      config,
      sql,
      serverUrl: databaseUrl,
      apiUrl,
      temporalAddress: server.address,
      temporalPid: server.process.pid,
      client: temporal.client,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
