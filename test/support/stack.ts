import { randomBytes } from 'node:crypto';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, inject } from 'vitest';
import { buildApp } from '../../api/app.js';
import { loadConfig, type Config } from '../../config/index.js';
import { createSql, type Sql } from '../../db/client.js';
import { createTemporalClient } from '../../runtime/temporal.js';
import { buildSandbox } from '../../sandbox/app.js';
import { createWorker } from '../../worker/create.js';
import type { WorkerMetrics } from '../../worker/metrics.js';
import { createWorkerSmileClient } from '../../worker/smile.js';
import { freePort } from '../../scripts/ports.js';
import { smileSandboxRequest } from '../../sandbox/client.js';
import { FILE_DATABASE_ENV } from './env.js';

export const API_KEY = 'test-api-key-0123';
export const auth = { authorization: `Bearer ${API_KEY}` };

/** This test file's own database (a copy of the migrated template), else the shared one. */
export const testDatabaseUrl = (): string => process.env[FILE_DATABASE_ENV] ?? inject('databaseUrl');

/** Config for one test file: its own task queue and database, the shared dev server. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    API_KEYS: API_KEY,
    API_RATE_LIMIT_PER_MINUTE: '1000000',
    DATABASE_URL: testDatabaseUrl(),
    DATABASE_POOL_SIZE: String(inject('databasePoolSize')),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: `test-${randomBytes(4).toString('hex')}`,
    ...overrides,
  });
}

export type Stack = Awaited<ReturnType<typeof startStack>>;

/**
 * The real thing, in-process: the sandbox on a random port, a worker on the
 * shared dev server, Postgres, and the API (called with `app.inject`).
 */
export async function startStack(
  overrides: Record<string, string> = {},
  { externalSandboxUrl, workerMetrics }: { externalSandboxUrl?: string; workerMetrics?: WorkerMetrics } = {},
) {
  const sandbox = await buildSandbox({
    apiKey: 'sandbox-key',
    apiSecret: 'sandbox-secret',
    webhookRetryDelaysMs: [200, 400],
  });
  // A sandbox in its own process (its clock undisturbed by this one's load) replaces the in-process one.
  const sandboxUrl = externalSandboxUrl ?? (await sandbox.listen({ port: 0, host: '127.0.0.1' }));
  const apiPort = overrides.PORT ? Number(overrides.PORT) : await freePort();
  const config = testConfig({
    PORT: String(apiPort),
    SMILE_API_URL: `${sandboxUrl}/v1`,
    SMILE_ID_URL: `${sandboxUrl}/smile-id/v1`,
    ...overrides,
  });
  const sql: Sql = createSql(config.database.url!, { max: config.database.poolSize });
  const temporal = createTemporalClient(config);
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const smile = createWorkerSmileClient(config, sql, workerMetrics);
  const worker = await createWorker({ config, sql, smile, connection });
  const running = worker.run();
  const app = await buildApp({ config, sql, temporal });
  // Smile (the sandbox) delivers webhooks over real HTTP, so the API listens too.
  const apiUrl = await app.listen({ port: apiPort, host: '127.0.0.1' });
  await smileSandboxRequest(sandboxUrl, 'POST', '/v1/webhooks', {
    url: `${apiUrl}/webhooks/smile`,
    includePayload: true,
  });

  return {
    app,
    sql,
    config,
    sandbox,
    sandboxUrl,
    apiUrl,
    client: temporal.client,
    async close() {
      await app.close();
      worker.shutdown();
      await running;
      await connection.close();
      await temporal.connection.close();
      await sandbox.close();
      await sql.end({ timeout: 1 });
    },
  };
}

/**
 * The stack of one test file: started before its tests, closed after them.
 * The answer forwards to the running stack, so tests write `stack.app` as usual.
 */
export function useStack(...args: Parameters<typeof startStack>): Stack {
  let running: Stack | undefined;
  beforeAll(async () => {
    running = await startStack(...args);
  });
  afterAll(() => running?.close());
  return new Proxy({} as Stack, {
    get(_, key) {
      if (!running) throw new Error('the stack starts in beforeAll');
      return running[key as keyof Stack];
    },
  });
}

export { smileSandboxRequest };
