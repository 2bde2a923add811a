import { DATA_RESOURCES, type DataResource } from '../smile/index.js';
import type { Db } from './db.js';

export interface DataRow {
  id: string;
  kind: DataResource;
  accountId?: string | null;
  raw: Record<string, unknown>;
}

/** Idempotent: storing the same items twice leaves the same rows (the newest raw JSON wins). */
export async function upsertDatapoints(sql: Db, smileUserId: string, rows: DataRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const batch = rows.slice(i, i + 500).map((row) => ({
      id: row.id,
      kind: row.kind,
      smile_user_id: smileUserId,
      account_id: row.accountId ?? null,
      raw: sql.json(row.raw as never),
    }));
    await sql`
      insert into datapoints ${sql(batch)}
      on conflict (id) do update set raw = excluded.raw, account_id = excluded.account_id, updated_at = now()`;
  }
}

/** The stored data of a Smile user, by kind. */
export async function loadDatapoints(
  sql: Db,
  smileUserId: string,
): Promise<Record<DataResource, Record<string, unknown>[]>> {
  const rows = await sql<{ kind: DataResource; raw: Record<string, unknown> }[]>`
    select kind, raw from datapoints where smile_user_id = ${smileUserId} order by id`;
  const byKind = Object.fromEntries(DATA_RESOURCES.map((kind) => [kind, [] as Record<string, unknown>[]])) as Record<
    DataResource,
    Record<string, unknown>[]
  >;
  for (const row of rows) byKind[row.kind].push(row.raw);
  return byKind;
}

/** How many items of each kind are stored for a Smile user, counted in Postgres (no rows loaded). */
export async function countDatapoints(sql: Db, smileUserId: string): Promise<Record<DataResource, number>> {
  const rows = await sql<{ kind: DataResource; n: number }[]>`
    select kind, count(*)::int as n from datapoints where smile_user_id = ${smileUserId} group by kind`;
  const counts = Object.fromEntries(DATA_RESOURCES.map((kind) => [kind, 0])) as Record<DataResource, number>;
  for (const row of rows) counts[row.kind] = row.n;
  return counts;
}
