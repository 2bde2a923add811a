import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { createSql, LOCAL_DATABASE_URL, type Sql } from '../db/client.js';
import { migrate } from '../db/migrate.js';

/**
 * Connects to Postgres and applies pending migrations; a failing migration stops
 * the start. The process survives a connection lost while it starts (below).
 */
export async function openDatabase(config: Config, log: Logger, application: string): Promise<Sql> {
  surviveLostTypeFetches(log);
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

/** postgres.js's own first query on a new connection: the array types it parses and serializes with. */
const TYPE_FETCH = /from pg_catalog\.pg_type a\s+left join pg_catalog\.pg_type b on b\.oid = a\.typelem/;

/** Whether an error is that query's: postgres.js gives a query's error the query's text. */
function isLostTypeFetch(reason: unknown): boolean {
  const query = typeof reason === 'object' && reason !== null ? (reason as { query?: unknown }).query : undefined;
  return typeof query === 'string' && TYPE_FETCH.test(query);
}

let surviving = false;

/**
 * postgres.js (3.4) drops the promise of the query that starts each new
 * connection (porsager/postgres#1192, open). When the server ends the connection
 * during that query (a restart, a failover, pg_terminate_backend), its error is
 * an unhandled rejection that no caller can catch, and Node ends the process.
 * Nothing is lost with that one: the query that waited for the connection fails
 * on its own (and is retried like any failed query), and the pool's next
 * connection fetches the types again. So it is logged and dropped; every other
 * unhandled rejection still ends the process, as Node's default does.
 */
function surviveLostTypeFetches(log: Logger): void {
  if (surviving) return;
  surviving = true;
  process.on('unhandledRejection', (reason) => {
    if (!isLostTypeFetch(reason)) throw reason;
    const { code, message } = reason as { code?: string; message?: string };
    log.warn(
      { code, message },
      'a new Postgres connection was lost while it fetched its array types; the pool opens another',
    );
  });
}
