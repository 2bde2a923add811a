import type { FastifyServerOptions } from 'fastify';
import { buildApp } from '../../api/app.js';
import { createSql } from '../../db/client.js';
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

/** Overrides that make `testConfig` a production configuration: NODE_ENV=production and no sandbox or dev default. */
export const PRODUCTION_WEBHOOK_SECRET = 'production-webhook-secret';
export function productionOverrides(extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    PAYLOAD_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
    SMILE_API_URL: 'https://smile.invalid/v1',
    SMILE_API_KEY: 'production-smile-key',
    SMILE_API_SECRET: 'production-smile-secret',
    SMILE_WEBHOOK_SECRET: PRODUCTION_WEBHOOK_SECRET,
    RESULT_CALLBACK_SECRET: 'whsec_cHJvZHVjdGlvbi1jYWxsYmFjay1zZWNyZXQ=',
    PUBLIC_URL: 'https://verify.invalid',
    ...extra,
  };
}
