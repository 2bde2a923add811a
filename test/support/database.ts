import { randomUUID } from 'node:crypto';
import { createSql, dropDatabase, ensureDatabase, type Sql } from '../../db/client.js';
import { migrate } from '../../db/migrate.js';
import { testConfig } from './stack.js';

/**
 * A migrated database of a test file's own, beside the shared one: for tests
 * that read across every row (search pages, a purge of everything expired, a
 * scan of every table), which other files' rows would disturb.
 */
export async function ownDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const url = new URL(testConfig().database.url!);
  url.pathname = `/smile_verify_${label}_${randomUUID().slice(0, 8)}`;
  await ensureDatabase(url.toString());
  const sql = createSql(url.toString(), { max: 1 });
  try {
    await migrate(sql);
  } finally {
    await sql.end({ timeout: 1 });
  }
  return { url: url.toString(), drop: () => dropDatabase(url.toString()) };
}

/** Every table row whose text holds `needle`, per table: the test of "no copy left anywhere". */
export async function rowsContaining(sql: Sql, needle: string): Promise<Record<string, number>> {
  const tables = await sql<{ table_name: string }[]>`
    select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`;
  const found: Record<string, number> = {};
  for (const { table_name: table } of tables) {
    const [row] = await sql.unsafe<{ n: number }[]>(
      `select count(*)::int as n from "${table}" t where t::text ilike $1`,
      [`%${needle}%`],
    );
    if (row!.n > 0) found[table] = row!.n;
  }
  return found;
}
