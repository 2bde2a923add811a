import type { FastifyServerOptions } from 'fastify';
import { buildApp } from '../../api/app.js';
import { createSql } from '../../activities/store/db.js';
import { createTemporalClient } from '../../runtime/temporal.js';
import { testConfig } from './stack.js';

/**
 * The API alone (no worker, no sandbox) on the test database, for route tests;
 * `close()` releases the app, its Temporal connection and its pool.
 */
export async function buildTestApp(
  overrides: Record<string, string> = {},
  { databaseUrl, logger }: { databaseUrl?: string; logger?: FastifyServerOptions['logger'] } = {},
) {
  const config = testConfig(overrides);
  const sql = createSql(databaseUrl ?? config.database.url!, { max: 2 });
  const temporal = createTemporalClient(config);
  const app = await buildApp({ config, sql, temporal, ...(logger ? { logger } : {}) });
  return {
    app,
    sql,
    config,
    async close() {
      await app.close();
      await temporal.connection.close().catch(() => {});
      await sql.end({ timeout: 1 });
    },
  };
}
