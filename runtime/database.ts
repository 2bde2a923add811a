import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { createSql, LOCAL_DATABASE_URL, type Sql } from '../db/client.js';
import { migrate } from '../db/migrate.js';

/** Connects to Postgres and applies pending migrations; a failing migration stops the start. */
export async function openDatabase(config: Config, log: Logger, application: string): Promise<Sql> {
  const sql = createSql(config.database.url ?? LOCAL_DATABASE_URL, { max: config.database.poolSize, application });
  try {
    const applied = await migrate(sql);
    log.info({ applied }, applied.length ? 'migrations applied' : 'schema up to date');
  } catch (error) {
    await sql.end({ timeout: 1 });
    throw error;
  }
  return sql;
}
